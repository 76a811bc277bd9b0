"""Invitations by email: one message per row of a CSV file, with the booklet attached.

Two steps, so that the organiser can look before anything leaves the machine, each in a
module of its own:

- composing (mail_compose.py): the recipients (CSV), the templates in CONTENT/mail/, one
  .eml file per recipient with the booklet and a calendar invitation; and, with
  personal copies (personal_copies.py), each recipient's own copy of the booklet;
- delivering (mail_delivery.py): SMTP at a bounded rate, a log of every step, and a run
  that resumes where an interrupted one stopped.

This module is the public face of both: `from booklet.mail import ...`.
"""

from __future__ import annotations

from .mail_compose import (
    MAIL_FOLDER,
    MAX_RECIPIENT_ROWS,
    Invitations,
    MailReport,
    Recipient,
    RecipientList,
    address_problem,
    calendar_invitation,
    conference_variables,
    parse_sender,
    prepare_invitations,
    read_recipients,
    write_invitations,
)
from .mail_delivery import (
    PASSWORD_VARIABLE,
    SENT_LOG,
    USER_VARIABLE,
    SendReport,
    SmtpSettings,
    send_invitations,
)

__all__ = [
    "MAIL_FOLDER",
    "MAX_RECIPIENT_ROWS",
    "PASSWORD_VARIABLE",
    "SENT_LOG",
    "USER_VARIABLE",
    "Invitations",
    "MailReport",
    "Recipient",
    "RecipientList",
    "SendReport",
    "SmtpSettings",
    "address_problem",
    "calendar_invitation",
    "conference_variables",
    "parse_sender",
    "prepare_invitations",
    "read_recipients",
    "send_invitations",
    "write_invitations",
]
