"""The service layer, one module per area; ``documents.application`` puts them together."""
