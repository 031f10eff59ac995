"""The op table: one module per family; each op's name, kernel call and backward rule sit together."""
