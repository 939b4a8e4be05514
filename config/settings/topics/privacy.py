"""Privacy (privacy/): retention of untouched documents and the data export's rate.

DATA_RETENTION_DAYS: jobs, CV and letter drafts and their versions that nobody touched for
this many days are deleted by a periodic purge; 0 (the default) keeps them."""

from config.settings.env import env

DATA_RETENTION_DAYS = env.int("DATA_RETENTION_DAYS", default=0)
DATA_RETENTION_PURGE_SECONDS = env.int("DATA_RETENTION_PURGE_SECONDS", default=86400)
# A full export reads everything a user has: a few an hour is plenty for a person.
PRIVACY_THROTTLE_RATES = {"data_export": env.str("DATA_EXPORT_RATE", default="5/hour")}
