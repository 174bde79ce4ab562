"""Lambda handlers of the permit pipeline and the shared domain rules they use."""
