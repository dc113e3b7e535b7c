"""After the result: the citizen's satisfaction rating (once per completed application, stored per unit and
service for the reports, Decision 766/QĐ-TTg) and, for level-4 results, the request to receive the paper
result by post (shown to the desk that hands it over).

Pages: blueprint `ratings` (views.py); API: blueprint `ratings_api` (api.py)."""
