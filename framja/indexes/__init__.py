"""The similarity service: one writer, many memory-mapped readers, a registry of corpora.

Pure text similarity is `framja.similarity` (no Django). This app is its Django side, below
accounts and ideas: the change log (`IndexChange`, one table for every corpus), the snapshot
store, the registry where apps declare their corpus (ideas now, catalogue later), the readers
every web process holds, the writer jobs, and the readiness report behind `/readyz`.
See docs/similarity.md, "Architecture".
"""
