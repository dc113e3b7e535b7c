"""Period reports for a unit and its children: the figures (metrics), pages, API, charts and exports."""
