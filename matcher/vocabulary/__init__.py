"""The profile vocabulary: the fields an enterprise is described by, and how a profile is read."""
