"""The legacy backend library as it stood before the emitters were consolidated."""
