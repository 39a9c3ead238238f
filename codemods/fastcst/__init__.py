"""Speed-ups over LibCST. The only package that touches LibCST's private names:
hook dispatch, codegen and positions, the byte prefilter, the sparse parse, per-tree
memos and garbage-collection thresholds. See README.md here for each trick."""
