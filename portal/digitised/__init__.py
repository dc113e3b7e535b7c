"""The person's electronic store (Decree 45/2020): reusing what is already digitised, and digitised results.
Operations: portal/operations/digitised.py (the store, reuse) and portal/documents/digitised_results.py."""
