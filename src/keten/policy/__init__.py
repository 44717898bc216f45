"""Who may do and see what: purposes, legal bases, the rules table, consent and shares; decide(), visible_to()."""
