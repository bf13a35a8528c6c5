"""Creates or updates Superset's admin user and its Druid database (run by superset.sh with the
venv's Python, after `superset db upgrade` and `superset init`; one process instead of three
Superset CLI commands, each of which loads the whole app).

Input from the environment (superset.sh sets all of them): SUPERSET_ADMIN_USER,
SUPERSET_ADMIN_PASSWORD, TRIBUTARY_DRUID_URI (the SQLAlchemy URI of the Druid broker's SQL
endpoint), TRIBUTARY_DRUID_READY_URL (the broker's readiness URL) and Superset's own
SUPERSET_CONFIG_PATH.
"""

import os
import sys
import urllib.request
import uuid

# Fixed, so an import bundle (database YAML) can refer to this database by uuid and Superset's
# import updates it instead of failing on a second database with the same name.
DRUID_DATABASE_UUID = uuid.UUID("2f0dc0b4-6fe7-573d-8c92-47f34d76a146")
DRUID_DATABASE_NAME = "Druid"


def say(message: str) -> None:
    print(f"setup.py: {message}", file=sys.stderr, flush=True)


def druid_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


def main() -> int:
    user_name = os.environ["SUPERSET_ADMIN_USER"]
    password = os.environ["SUPERSET_ADMIN_PASSWORD"]
    druid_uri = os.environ["TRIBUTARY_DRUID_URI"]
    druid_ready_url = os.environ["TRIBUTARY_DRUID_READY_URL"]

    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from sqlalchemy import text
        from superset import db, security_manager
        from superset.models.core import Database

        user = security_manager.find_user(username=user_name)
        if user is None:
            role = security_manager.find_role("Admin")
            if role is None:
                say("no Admin role: run `superset init` first")
                return 1
            created = security_manager.add_user(
                user_name, "Tributary", "Admin", f"{user_name}@localhost", role, password=password
            )
            if not created:
                say(f"could not create the admin user {user_name}")
                return 1
            say(f"created the admin user {user_name}")
        else:
            # The password may have changed since the last setup (SUPERSET_ADMIN_PASSWORD).
            security_manager.reset_password(user.id, password)
            say(f"the admin user {user_name} exists; password set")

        database = (
            db.session.query(Database).filter_by(uuid=DRUID_DATABASE_UUID).one_or_none()
            or db.session.query(Database).filter_by(database_name=DRUID_DATABASE_NAME).one_or_none()
        )
        if database is None:
            database = Database(database_name=DRUID_DATABASE_NAME, uuid=DRUID_DATABASE_UUID)
            db.session.add(database)
            action = "registered"
        else:
            database.uuid = DRUID_DATABASE_UUID
            action = "updated"
        database.database_name = DRUID_DATABASE_NAME
        database.set_sqlalchemy_uri(druid_uri)
        database.expose_in_sqllab = True
        db.session.commit()
        say(f"{action} the database {DRUID_DATABASE_NAME} ({druid_uri}, uuid {DRUID_DATABASE_UUID})")

        # Registering needs no running Druid; the connection is tried only when the broker answers,
        # so a wrong URI shows up here rather than in the first chart.
        if not druid_answers(druid_ready_url):
            say(f"Druid does not answer at {druid_ready_url}; connection not tested")
            return 0
        try:
            with database.get_sqla_engine() as engine, engine.connect() as connection:
                value = connection.execute(text("SELECT 1")).scalar()
        except Exception as error:  # noqa: BLE001 - any driver error means the URI does not work
            first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
            say(f"Druid answers at {druid_ready_url} but SELECT 1 through {druid_uri} failed: {first_line}")
            return 1
        if value != 1:
            say(f"SELECT 1 through {druid_uri} answered {value!r}")
            return 1
        say(f"SELECT 1 through {druid_uri} answered 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
