-- Nothing lost: every record read became an article, a duplicate or a reject.
SELECT run_id FROM runs WHERE records_read <> articles + duplicates + rejects
