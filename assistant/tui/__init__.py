"""The Textual chat UI. It calls the same core as the CLI and holds no retrieval or inspection logic."""
