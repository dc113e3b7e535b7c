"""The national systems: status to the national portal (Cổng DVCQG), applications from it, and their sandbox."""
