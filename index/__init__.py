"""Chunks → FAISS + BM25 + SQLite store, versioned and switched atomically; hybrid search over them."""
