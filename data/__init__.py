"""Files PolicyRadar ships: the starter config, dictionaries, rules and the offline demo site."""
