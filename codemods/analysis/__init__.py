"""What code means, without changing it: names and receivers, the cross-file index,
binding a call to the plan's signatures and its inverse, and import edits."""
