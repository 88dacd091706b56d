"""Create or update the PostgreSQL role the application runs as, with only the rights it needs.

Run it as the database owner (the role that runs migrations), after every `migrate`:

    DATABASE_URL=postgres://owner@db/govern python manage.py db_app_role --role govern_app

The application role may read and write rows, but is not the owner of any table, so it cannot TRUNCATE,
ALTER or DROP a table nor disable a trigger; and it may only read and add rows of the append-only
audit tables (the transition log, visit addenda): no UPDATE, no DELETE, whatever the ORM does.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

# Tables whose rows are written once and never changed (also guarded by triggers and the ORM).
APPEND_ONLY_TABLES = ("enterprises_transitionlog", "inspections_visitaddendum")


class Command(BaseCommand):
    help = "Create/refresh the application's database role: row access only, no TRUNCATE or ALTER."

    def add_arguments(self, parser):
        parser.add_argument("--role", default="govern_app")
        parser.add_argument(
            "--password-env",
            default="GOVERN_APP_DB_PASSWORD",
            help="environment variable holding the role's password (none: no password set)",
        )

    def handle(self, *args, role, password_env, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist on PostgreSQL only.")
        name = sql.Identifier(role)
        password = os.environ.get(password_env, "")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if not cursor.fetchone():
                cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(name))
            if password:
                cursor.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(password))
                )
            cursor.execute(
                sql.SQL("ALTER ROLE {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS").format(
                    name
                )
            )
            database = sql.Identifier(connection.settings_dict["NAME"])
            statements = [
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, name),
                sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
                sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(name),
                sql.SQL(
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
                ).format(name),
                sql.SQL(
                    "REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}"
                ).format(name),
                sql.SQL(
                    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}"
                ).format(name),
                # Tables the owner creates in later migrations get the same rights.
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
                ).format(name),
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                    "GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}"
                ).format(name),
            ]
            for table in APPEND_ONLY_TABLES:
                statements.append(
                    sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(
                        sql.Identifier(table), name
                    )
                )
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"Role {role}: rows of every table; append-only on {', '.join(APPEND_ONLY_TABLES)}; "
            "no TRUNCATE, ALTER or trigger changes."
        )
