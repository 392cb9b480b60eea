"""``python -m caldav.jmap``: the ``caldav-jmap`` command line (needs the ``cli`` extra)."""

from caldav.jmap.cli import main

if __name__ == "__main__":
    main(prog_name="caldav-jmap")
