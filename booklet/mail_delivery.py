"""Invitations by email, delivered: the .eml files that mail_compose.py wrote, sent over
SMTP at a bounded rate.

Every step is logged in sent.log before the next is taken, so an interrupted run can be
run again: it sends no one the invitation twice and skips no one. A message whose
delivery is unknown (the connection died while handing it over) is sent again only when
asked. A refused recipient or a dropped connection fails that one recipient, not the rest.
User and password come only from the environment, never an option, and are never written.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser
from email.utils import formatdate
from pathlib import Path

from .errors import BookletError, display_path

SENT_LOG = "sent.log"
USER_VARIABLE = "BOOKLET_SMTP_USER"
PASSWORD_VARIABLE = "BOOKLET_SMTP_PASSWORD"


# --- sending -------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 587
    starttls: bool = True
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never shown, never written
    timeout: float = 60.0

    @classmethod
    def from_environment(
        cls, host: str = "localhost", port: int = 587, starttls: bool = True, environ=None
    ) -> SmtpSettings:
        """User and password come only from BOOKLET_SMTP_USER and BOOKLET_SMTP_PASSWORD:
        an option would put the password in the shell's history and the process list."""
        environ = os.environ if environ is None else environ
        user = environ.get(USER_VARIABLE) or None
        password = environ.get(PASSWORD_VARIABLE) or None
        if (user is None) != (password is None):
            raise BookletError(f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither")
        return cls(host, port, starttls, user, password)


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)  # addresses, in this run
    already_sent: list[str] = field(default_factory=list)  # by an earlier run (sent.log)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (address, why): not sent
    unconfirmed: list[tuple[str, str]] = field(default_factory=list)  # may have arrived
    not_sent: list[str] = field(default_factory=list)  # not tried: the server went away
    stopped: str | None = None  # why the run stopped before the end

    @property
    def ok(self) -> bool:
        return not (self.failed or self.unconfirmed or self.not_sent)

    def summary(self) -> str:
        parts = [f"{len(self.sent)} sent"]
        if self.already_sent:
            parts.append(f"{len(self.already_sent)} sent before (in {SENT_LOG})")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.unconfirmed:
            parts.append(f"{len(self.unconfirmed)} unconfirmed")
        if self.not_sent:
            parts.append(f"{len(self.not_sent)} not tried")
        return ", ".join(parts) + "."

    def problems(self) -> list[str]:
        """One line per recipient who has not certainly got the invitation."""
        lines = [f"{address}: not sent: {why}" for address, why in self.failed]
        lines += [
            f"{address}: {why}; --resend-unconfirmed sends it again"
            for address, why in self.unconfirmed
        ]
        if self.stopped:
            lines.append(f"stopped: {self.stopped}")
        lines += [f"{address}: not sent yet; run again to send it" for address in self.not_sent]
        return lines


class _Connection(smtplib.SMTP):
    """smtplib's SMTP, remembering whether the message reached DATA (from then on the
    server may have it) and the server's last reply to it."""

    handed_over = False
    last_reply = ""

    def data(self, msg):
        self.handed_over = True
        code, reply = super().data(msg)
        self.last_reply = f"{code} {_reply_text(reply)}"
        return code, reply


@dataclass
class _Outgoing:
    path: Path
    sender: str
    recipient: str
    dated: bool  # has a Date header; the invitations are written without one

    def data(self) -> bytes:
        """The message as it goes out: dated when it is sent, not when it was written."""
        data = self.path.read_bytes()
        return data if self.dated else f"Date: {formatdate(localtime=True)}\r\n".encode() + data


def send_invitations(
    mail_folder: Path,
    smtp: SmtpSettings,
    rate_per_minute: float = 30,
    *,
    resend_unconfirmed: bool = False,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] | None = None,
) -> SendReport:
    """Send the .eml files in `mail_folder`, each to its To address, at most
    `rate_per_minute` a minute, logging each step in `mail_folder/sent.log`.

    Recipients the log says were sent are skipped. One the log saw handed to the server
    but not accepted (the run died in between) may have got it: reported, and sent again
    only with `resend_unconfirmed`. A refusal or a dropped connection fails that one
    recipient, not the rest; after a dropped connection the next message reconnects."""
    mail_folder = Path(mail_folder)
    if not rate_per_minute > 0:
        raise BookletError("the rate must be more than 0 messages a minute")
    if smtp.user and not smtp.starttls and not _is_loopback(smtp.host):
        raise BookletError(
            f"will not send the password to {smtp.host} unencrypted; "
            "leave out --no-starttls (it is meant for a relay on this machine)"
        )
    outgoing = _outgoing(mail_folder)
    log_path = mail_folder / SENT_LOG
    states = _delivery_states(log_path)
    interval = 60 / rate_per_minute
    report = SendReport()
    tell = progress or (lambda line: None)
    connection: _Connection | None = None
    last_attempt: float | None = None
    try:
        with log_path.open("a", encoding="utf-8") as log:
            for number, message in enumerate(outgoing, 1):
                recipient = message.recipient
                state = states.get(recipient.lower())
                if state == "sent":
                    report.already_sent.append(recipient)
                    continue
                if state == "unconfirmed" and not resend_unconfirmed:
                    report.unconfirmed.append(
                        (recipient, "an earlier run handed it to the server but heard no reply")
                    )
                    continue
                if report.stopped:
                    report.not_sent.append(recipient)
                    continue
                if last_attempt is not None:
                    wait = last_attempt + interval - clock()
                    if wait > 0:
                        sleep(wait)
                last_attempt = clock()
                if connection is None:
                    try:
                        connection = _connect(smtp)
                    except OSError as error:  # smtplib's errors are OSErrors too
                        report.stopped = f"{smtp.host}:{smtp.port}: {_describe(error)}"
                        report.not_sent.append(recipient)
                        continue
                _record(log, "sending", recipient, file=message.path.name)
                connection.handed_over = False
                try:
                    connection.sendmail(message.sender, [recipient], message.data())
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                    # The server said no: certainly not delivered, so a rerun tries again.
                    why = _describe(error)
                    _record(log, "failed", recipient, reason=why)
                    report.failed.append((recipient, why))
                    tell(f"{recipient}: refused: {why}")
                    _close(connection)  # the next message starts on a fresh connection
                    connection = None
                except OSError as error:  # the connection dropped
                    why = _describe(error)
                    if connection.handed_over:
                        why = f"delivery unknown: {why} while handing the message over"
                        _record(log, "unconfirmed", recipient, reason=why)
                        report.unconfirmed.append((recipient, why))
                    else:
                        _record(log, "failed", recipient, reason=why)
                        report.failed.append((recipient, why))
                    tell(f"{recipient}: {why}")
                    _close(connection)
                    connection = None
                else:
                    _record(log, "sent", recipient, reply=connection.last_reply)
                    report.sent.append(recipient)
                    tell(f"sent {number}/{len(outgoing)}: {recipient}")
    finally:
        if connection is not None:
            _close(connection, politely=True)
    return report


def _outgoing(mail_folder: Path) -> list[_Outgoing]:
    """The messages to send, in the order of the CSV, with sender and recipient."""
    if not mail_folder.is_dir():
        raise BookletError(f"{display_path(mail_folder)}: no such folder")
    messages = []
    for path in sorted(mail_folder.glob("*.eml")):
        headers = BytesHeaderParser(policy=policy.default).parsebytes(path.read_bytes())
        try:
            sender = headers["From"].addresses[0].addr_spec if headers["From"] else ""
            recipient = headers["To"].addresses[0].addr_spec if headers["To"] else ""
        except (IndexError, AttributeError):
            sender = recipient = ""
        if not sender:
            raise BookletError(
                f"{display_path(path)}: no sender; write the invitations again with --from"
            )
        if not recipient:
            raise BookletError(f"{display_path(path)}: no recipient (To:)")
        messages.append(_Outgoing(path, sender, recipient, headers["Date"] is not None))
    return messages


def _delivery_states(log_path: Path) -> dict[str, str]:
    """Lower-case address -> 'sent', 'unconfirmed' or 'failed', from earlier runs' log."""
    states: dict[str, str] = {}
    if not log_path.exists():
        return states
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a line cut short by a run killed while writing it
        if not isinstance(record, dict) or not isinstance(record.get("to"), str):
            continue
        key, event = record["to"].lower(), record.get("event")
        if states.get(key) == "sent":
            continue
        if event == "sent":
            states[key] = "sent"
        elif event in ("sending", "unconfirmed"):
            states[key] = "unconfirmed"
        elif event == "failed":
            states[key] = "failed"
    return states


def _record(log, event: str, recipient: str, **details: str) -> None:
    """One line of sent.log, on disk before the next step: a crash loses no step."""
    entry = {"time": _now().isoformat(timespec="seconds"), "event": event, "to": recipient}
    log.write(json.dumps({**entry, **details}, ensure_ascii=False) + "\n")
    log.flush()
    os.fsync(log.fileno())


def _connect(smtp: SmtpSettings) -> _Connection:
    connection = _Connection(smtp.host, smtp.port, timeout=smtp.timeout)
    try:
        if smtp.starttls:
            connection.starttls(context=ssl.create_default_context())
        if smtp.user:
            connection.login(smtp.user, smtp.password or "")
    except BaseException:
        connection.close()
        raise
    return connection


def _close(connection: _Connection, politely: bool = False) -> None:
    """Close the connection (the next message opens a new one); QUIT first if asked."""
    try:
        if politely:
            connection.quit()
    except OSError:
        pass
    finally:
        connection.close()


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{code} {_reply_text(reply)}" for code, reply in error.recipients.values()
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"the server refused the user name or password ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_reply_text(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def _reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
