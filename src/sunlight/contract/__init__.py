"""The data contract in code: what the system *is*, as data with typed loaders.

`datasets` (the datasets, their columns and header synonyms), `canonical` (each dataset's
table in the warehouse) and `catalog` (the program catalog; it imports pydantic, which the
processes that read spreadsheets do without, so nothing here imports it for them).
`cases` (case states, transitions, sanctions), `roles`, `case_steps` and `vocabulary` (every
other code's Chinese name) are imported by name where they are needed.
"""
