"""Issue 7 (reliability): in-place safety, bad input, memory, threads, kernel cache,
numerics on large inputs, and property-based tests (hypothesis) of kernels and gradients."""
