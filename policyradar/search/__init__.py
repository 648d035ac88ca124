"""Search over the change history.

`index` (the terms a text is indexed under: CJK bigrams, Porter stems) and `query` (the query
language) are pure and sit below storage, which fills its full-text table with them; `changes`
runs a query against storage and ranks the hits, above it.
"""
