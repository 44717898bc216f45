"""The public guide "Mag ik dit delen?": a decision tree that tells a professional whether, with whom and on
which legal basis they may share a signal of possible human trafficking."""
