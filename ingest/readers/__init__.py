"""One reader per file format; each turns a file into documents or raises IngestError."""
