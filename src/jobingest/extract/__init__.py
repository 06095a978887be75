"""Pure extraction: text and board values in, contract values out. No I/O, no clock, no network."""
