# Superset's configuration for infra/superset/superset.sh, which points SUPERSET_CONFIG_PATH at this
# file and exports the two paths below. Superset imports it as a module at every start, so it may
# read the environment (it is not a package of this repo).
import os

_data = os.environ["TRIBUTARY_SUPERSET_DATA"]

# Generated once by superset.sh into the cache: Superset refuses to start with its built-in key,
# and the key encrypts the connection details it stores, so it outlives `superset.sh reset`.
with open(os.environ["TRIBUTARY_SUPERSET_SECRET_KEY_FILE"], encoding="ascii") as _key:
    SECRET_KEY = _key.read().strip()

# Metadata (users, databases, datasets, dashboards) in SQLite in the git-ignored cache: one local
# instance needs no database server. Superset warns that SQLite metadata is for development.
SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(_data, "superset.db")
DATA_DIR = _data

# Flask-Limiter (login rate limits) keeps its counters in memory; saying so silences its warning
# about the implicit default.
RATELIMIT_STORAGE_URI = "memory://"
