"""Invitations by email: written as .eml files, read back as a mail program would, and sent
to a real SMTP server (aiosmtpd on 127.0.0.1) that refuses, drops and counts."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import email
import email.policy
import json
import os
import socket
import subprocess
import sys
import threading
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
import weasyprint
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from helpers import SEED, copy_content

from booklet.errors import BookletError, ContentError
from booklet.mail import (
    SmtpSettings,
    calendar_invitation,
    send_invitations,
    write_invitations,
)
from booklet.model import Conference

SENDER = "ATV <konference@example.org>"
FAST = 600_000  # messages a minute: 0.1 ms apart, for tests that are not about the rate
STAMP = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "turbo-paa-offentlig-innovation-email.pdf"
    path.write_bytes(weasyprint.HTML(string="<h1>Programme</h1>").write_pdf())
    return path


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def people(count: int) -> str:
    rows = "".join(f"person{n}@example.org,Person {n}\n" for n in range(1, count + 1))
    return "email,name\n" + rows


def address(n: int) -> str:
    return f"person{n}@example.org"


def written_invitations(tmp_path: Path, pdf: Path, count: int) -> Path:
    """A mail folder with invitations for person1..personN, ready to send."""
    csv_file = write_csv(tmp_path / "people.csv", people(count))
    mail = tmp_path / "output" / "mail"
    report = write_invitations(SEED, csv_file, pdf, mail, sender=SENDER)
    assert len(report.written) == count
    return mail


def short(problem) -> str:
    """The problem as printed, its file named without the folder (tmp_path is long)."""
    return str(dataclasses.replace(problem, file=Path(problem.file).name))


def read_message(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def body(message, kind: str) -> str:
    """The plain or html body as a mail program shows it (the file has CRLF line ends)."""
    return message.get_body((kind,)).get_content().replace("\r\n", "\n")


def attachments(message) -> dict[str, email.message.EmailMessage]:
    return {part.get_content_type(): part for part in message.iter_attachments()}


def dated_content(tmp_path: Path) -> Path:
    content = copy_content(SEED, tmp_path / "content")
    conference = content / "conference.yaml"
    conference.write_text(
        conference.read_text(encoding="utf-8")
        + "date: 2026-05-12\n"
        + "end_date: 2026-05-13\n"
        + "venue: |\n"
        + "  Ingeniørhuset; sal 1, Kalvebod Brygge 31 (indgang fra havnesiden)\n"
        + "  1780 København V\n",
        encoding="utf-8",
    )
    return content


# --- a real SMTP server -------------------------------------------------------------


class Recorder:
    """An aiosmtpd handler that keeps every message that arrives."""

    def __init__(self) -> None:
        self.arrived: list[tuple[str, bytes]] = []  # (recipient, message)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.arrived.append((recipient, envelope.content))
        return "250 2.0.0 Message accepted for delivery"

    def recipients(self) -> list[str]:
        return [recipient for recipient, _ in self.arrived]


class RefusingOne(Recorder):
    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class DroppingSecondMessage(Recorder):
    """Closes the connection when the second message's data is in, before replying."""

    def __init__(self) -> None:
        super().__init__()
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        if self.messages == 2:
            server.transport.close()
            return "421 never heard: the connection is gone"
        return await super().handle_DATA(server, session, envelope)


class DroppingAtRecipient(Recorder):
    """Closes the connection when asked to take `dropped`, before any data."""

    def __init__(self, dropped: str) -> None:
        super().__init__()
        self.dropped = dropped

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.dropped:
            server.transport.close()
            return "421 never heard"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(handler, **options):
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield SmtpSettings("127.0.0.1", controller.port, starttls=False, timeout=5)
    finally:
        controller.stop()


# --- writing ------------------------------------------------------------------------


def test_one_invitation_per_good_row_the_others_reported_by_line(tmp_path, pdf):
    csv_file = write_csv(
        tmp_path / "people.csv",
        "email,name,organisation\n"
        "anna@example.org,Anna Andersen,Eksempel Kommune\n"
        "not-an-address,Bo Berg,Prøve A/S\n"
        "ANNA@example.org,Anna igen,Eksempel Kommune\n"
        ",,\n"
        'carl@example.org,"Carl ""C"" Carlsen, jr.",Prøve A/S\n'
        "dora@example,Dora,\n",
    )
    mail = tmp_path / "mail"
    report = write_invitations(SEED, csv_file, pdf, mail, sender=SENDER)

    assert [path.name for path in report.written] == [
        "0002-anna-example-org.eml",
        "0006-carl-example-org.eml",
    ]
    assert sorted(path.name for path in mail.iterdir()) == [p.name for p in report.written]
    messages = [short(problem) for problem in report.errors]
    assert any(m.startswith("people.csv:3: email: 'not-an-address' is not") for m in messages)
    assert any(
        m.startswith("people.csv:4: email: 'ANNA@example.org' is already on line 2")
        for m in messages
    )
    assert "people.csv:5: empty row; delete it" in messages
    assert any(m.startswith("people.csv:7: email: 'dora@example'") for m in messages)
    assert len(messages) == 4
    assert not report.calendar

    anna = read_message(mail / "0002-anna-example-org.eml")
    assert anna["To"].addresses[0].addr_spec == "anna@example.org"
    assert anna["To"].addresses[0].display_name == "Anna Andersen"
    assert anna["From"].addresses[0].addr_spec == "konference@example.org"
    assert anna["Subject"] == "Invitation: Turbo på offentlig innovation"
    assert anna.get_content_type() == "multipart/mixed"
    assert body(anna, "plain").startswith("Kære Anna Andersen\n")
    assert "<p>Kære Anna Andersen</p>" in body(anna, "html")
    assert "ledelse og styring, er vi skarpe nok?" in body(anna, "plain")
    parts = attachments(anna)
    assert list(parts) == ["application/pdf"]  # the seed has no date: no calendar
    assert parts["application/pdf"].get_filename() == pdf.name
    assert parts["application/pdf"].get_content() == pdf.read_bytes()
    alternative = next(part for part in anna.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"

    carl = read_message(mail / "0006-carl-example-org.eml")
    assert carl["To"].addresses[0].display_name == 'Carl "C" Carlsen, jr.'
    assert 'Kære Carl "C" Carlsen, jr.' in body(carl, "plain")


def test_calendar_invitation_only_when_the_conference_has_a_date(tmp_path, pdf):
    content = dated_content(tmp_path)
    csv_file = write_csv(tmp_path / "people.csv", people(2))
    report = write_invitations(content, csv_file, pdf, tmp_path / "mail", now=STAMP)
    assert report.calendar

    calendars = []
    for path in report.written:
        part = attachments(read_message(path))["text/calendar"]
        assert part.get_param("method") == "PUBLISH"
        calendars.append(part.get_payload(decode=True))
    assert calendars[0] == calendars[1]
    ics = calendars[0]
    assert ics.endswith(b"\r\n") and b"\n" not in ics.replace(b"\r\n", b"")
    lines = ics.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines), "the long LOCATION is folded"
    unfolded = ics.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")
    assert unfolded[:4] == ["BEGIN:VCALENDAR", "VERSION:2.0", unfolded[2], "METHOD:PUBLISH"]
    assert "DTSTART;VALUE=DATE:20260512" in unfolded
    assert "DTEND;VALUE=DATE:20260514" in unfolded  # exclusive: the day after the last
    assert "DTSTAMP:20260301T120000Z" in unfolded
    assert "SUMMARY:Turbo på offentlig innovation" in unfolded
    assert "DESCRIPTION:ledelse og styring\\, er vi skarpe nok?" in unfolded
    assert (
        "LOCATION:Ingeniørhuset\\; sal 1\\, Kalvebod Brygge 31 (indgang fra havnesiden)"
        "\\n1780 København V"
    ) in unfolded
    uid = next(line for line in unfolded if line.startswith("UID:"))

    again = write_invitations(content, csv_file, pdf, tmp_path / "again", now=STAMP)
    part = attachments(read_message(again.written[0]))["text/calendar"]
    assert uid.encode() in part.get_payload(decode=True).replace(b"\r\n ", b"")

    text = body(read_message(report.written[0]), "plain")
    assert "Tid: tirsdag den 12. maj 2026 – onsdag den 13. maj 2026" in text
    assert "Sted: Ingeniørhuset; sal 1" in text


def test_calendar_lines_are_folded_between_characters_and_escaped():
    conference = Conference(
        title="Ø" * 100 + "; a, b\\c",
        subtitle="x" * 200,
        organiser="ATV",
        date=datetime.date(2026, 5, 12),
    )
    ics = calendar_invitation(conference, STAMP)
    lines = ics.split(b"\r\n")[:-1]
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")  # a line never ends inside a character
    unfolded = ics.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")
    assert "SUMMARY:" + "Ø" * 100 + "\\; a\\, b\\\\c" in unfolded
    assert "DESCRIPTION:" + "x" * 200 in unfolded
    assert "DTEND;VALUE=DATE:20260513" in unfolded  # one day
    assert not any(line.startswith("LOCATION") for line in unfolded)
    assert calendar_invitation(conference.model_copy(update={"date": None}), STAMP) is None


def test_the_html_body_escapes_a_name_that_looks_like_markup(tmp_path, pdf):
    csv_file = write_csv(
        tmp_path / "people.csv", "email,name\nmallory@example.org,<script>alert(1)</script>\n"
    )
    report = write_invitations(SEED, csv_file, pdf, tmp_path / "mail")
    message = read_message(report.written[0])
    html = body(message, "html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "Kære <script>alert(1)</script>" in body(message, "plain")


def test_a_subject_of_two_lines_is_refused(tmp_path, pdf):
    content = copy_content(SEED, tmp_path / "content")
    (content / "mail" / "subject.txt").write_text("Invitation\nBcc: everyone@example.org\n")
    csv_file = write_csv(tmp_path / "people.csv", people(2))
    with pytest.raises(ContentError) as caught:
        write_invitations(content, csv_file, pdf, tmp_path / "mail")
    assert [short(problem) for problem in caught.value.problems] == [
        "subject.txt: the subject must be one line"
    ]
    assert not (tmp_path / "mail").exists()


def test_a_line_break_in_a_value_cannot_reach_the_subject(tmp_path, pdf):
    content = copy_content(SEED, tmp_path / "content")
    (content / "mail" / "subject.txt").write_text("Til {{ recipient.name }}\n")
    csv_file = write_csv(
        tmp_path / "people.csv",
        'email,name\nanna@example.org,"Anna\nBcc: everyone@example.org"\nbo@example.org,Bo\n',
    )
    report = write_invitations(content, csv_file, pdf, tmp_path / "mail")
    assert [short(problem) for problem in report.errors] == [
        "people.csv:2: a value of this row has a line break, and the subject may not"
    ]
    assert [path.name for path in report.written] == ["0004-bo-example-org.eml"]
    message = read_message(report.written[0])
    assert message["Subject"] == "Til Bo"
    assert message["Bcc"] is None


def test_a_misspelt_placeholder_names_the_template_file_and_line(tmp_path, pdf):
    content = copy_content(SEED, tmp_path / "content")
    (content / "mail" / "invitation.txt").write_text(
        "Kære {{ recipient.name }}\n\nDu arbejder hos\n{{ recipient.organsation }}.\n"
    )
    csv_file = write_csv(
        tmp_path / "people.csv", "email,name,organisation\nanna@example.org,Anna,ATV\n"
    )
    with pytest.raises(ContentError) as caught:
        write_invitations(content, csv_file, pdf, tmp_path / "mail")
    [problem] = caught.value.problems
    assert problem.file.endswith("mail/invitation.txt")
    assert problem.line == 4
    assert "organsation" in problem.message and "did you mean 'organisation'?" in problem.message
    assert not (tmp_path / "mail").exists()


def test_template_syntax_and_sandbox_errors_are_content_errors(tmp_path, pdf):
    content = copy_content(SEED, tmp_path / "content")
    (content / "mail" / "subject.txt").write_text("{% if recipient.name %}Hej\n")
    (content / "mail" / "invitation.html").write_text(
        "<p>\n{{ recipient.__class__.__mro__[1].__subclasses__() }}</p>\n"
    )
    csv_file = write_csv(tmp_path / "people.csv", people(1))
    with pytest.raises(ContentError) as caught:
        write_invitations(content, csv_file, pdf, tmp_path / "mail")
    located = {(Path(problem.file).name, problem.line) for problem in caught.value.problems}
    assert ("subject.txt", 1) in located or ("subject.txt", 2) in located

    (content / "mail" / "subject.txt").write_text("Hej\n")
    with pytest.raises(ContentError) as caught:
        write_invitations(content, csv_file, pdf, tmp_path / "mail")
    [problem] = caught.value.problems
    assert (Path(problem.file).name, problem.line) == ("invitation.html", 2)


def test_problems_of_the_whole_csv_stop_everything_and_are_all_listed(tmp_path, pdf):
    mail = tmp_path / "mail"
    no_email = write_csv(tmp_path / "a.csv", "E-mail,name,name\nanna@example.org,Anna,A\n")
    with pytest.raises(ContentError) as caught:
        write_invitations(SEED, no_email, pdf, mail)
    messages = [short(problem) for problem in caught.value.problems]
    assert "a.csv:1: the column 'name' is named twice in the header" in messages
    assert any(m.startswith("a.csv:1: no 'email' column; did you mean 'E-mail'?") for m in messages)

    only_bad_rows = write_csv(tmp_path / "d.csv", "email,name\nanna@,Anna\n\n")
    with pytest.raises(ContentError) as caught:
        write_invitations(SEED, only_bad_rows, pdf, mail)
    assert [short(problem) for problem in caught.value.problems] == [
        "d.csv:2: email: 'anna@' is not an email address like name@example.org",
        "d.csv:3: empty row; delete it",
    ]

    latin1 = write_csv(tmp_path / "b.csv", "email,name\nsoren@example.org,Søren\n", "latin-1")
    with pytest.raises(ContentError) as caught:
        write_invitations(SEED, latin1, pdf, mail)
    assert short(caught.value.problems[0]).startswith("b.csv:2: not UTF-8 (byte 0xF8)")
    assert not mail.exists()

    # Excel's "CSV UTF-8", set to Danish: a byte order mark and semicolons.
    excel = write_csv(tmp_path / "c.csv", "email;name\r\nsoren@example.org;Søren\r\n", "utf-8-sig")
    report = write_invitations(SEED, excel, pdf, mail)
    assert report.problems == []
    assert "Kære Søren" in body(read_message(report.written[0]), "plain")


def test_the_example_csv_of_the_seed_is_good(tmp_path, pdf):
    report = write_invitations(SEED, SEED / "mail" / "people.example.csv", pdf, tmp_path / "m")
    assert report.problems == [] and len(report.written) == 2
    for path in report.written:
        assert read_message(path)["To"].addresses[0].domain == "example.org"


def test_invitations_of_rows_since_deleted_are_removed(tmp_path, pdf):
    mail = written_invitations(tmp_path, pdf, 3)
    csv_file = write_csv(tmp_path / "people.csv", people(2))
    write_invitations(SEED, csv_file, pdf, mail, sender=SENDER)
    assert sorted(path.name for path in mail.glob("*.eml")) == [
        "0002-person1-example-org.eml",
        "0003-person2-example-org.eml",
    ]


# --- sending ------------------------------------------------------------------------


def test_every_invitation_arrives_once(tmp_path, pdf):
    mail = written_invitations(tmp_path, pdf, 3)
    handler = Recorder()
    with smtp_server(handler) as smtp:
        report = send_invitations(mail, smtp, FAST)
        assert report.ok and report.sent == [address(1), address(2), address(3)]
        again = send_invitations(mail, smtp, FAST)
    assert again.sent == [] and again.already_sent == report.sent and again.ok
    assert handler.recipients() == [address(1), address(2), address(3)]
    arrived = email.message_from_bytes(handler.arrived[0][1], policy=email.policy.default)
    assert arrived["To"].addresses[0].addr_spec == address(1)
    assert arrived["Date"] is not None  # dated when sent
    assert attachments(arrived)["application/pdf"].get_content() == pdf.read_bytes()
    log = [json.loads(line) for line in (mail / "sent.log").read_text().splitlines()]
    assert [(entry["event"], entry["to"]) for entry in log[:2]] == [
        ("sending", address(1)),
        ("sent", address(1)),
    ]
    assert log[1]["reply"].startswith("250 ")


def test_a_refused_recipient_does_not_stop_the_others(tmp_path, pdf):
    mail = written_invitations(tmp_path, pdf, 4)
    handler = RefusingOne(address(2))
    with smtp_server(handler) as smtp:
        report = send_invitations(mail, smtp, FAST)
    assert handler.recipients() == [address(1), address(3), address(4)]
    assert not report.ok
    assert report.failed == [(address(2), "550 5.1.1 No such user here")]
    assert report.problems() == [f"{address(2)}: not sent: 550 5.1.1 No such user here"]


def test_a_dropped_connection_is_reported_and_the_rest_arrive_after_reconnecting(tmp_path, pdf):
    mail = written_invitations(tmp_path, pdf, 4)
    handler = DroppingSecondMessage()
    with smtp_server(handler) as smtp:
        report = send_invitations(mail, smtp, FAST)
        assert handler.recipients() == [address(1), address(3), address(4)]
        # The server had the whole message when it went away: it may have kept it, so
        # the next run does not send it again unless told to.
        assert [recipient for recipient, _ in report.unconfirmed] == [address(2)]
        assert "delivery unknown" in report.unconfirmed[0][1]
        assert not report.ok
        rerun = send_invitations(mail, smtp, FAST)
        assert rerun.sent == [] and [r for r, _ in rerun.unconfirmed] == [address(2)]
        resent = send_invitations(mail, smtp, FAST, resend_unconfirmed=True)
    assert resent.sent == [address(2)] and resent.ok
    assert Counter(handler.recipients()) == Counter(address(n) for n in range(1, 5))


def test_a_connection_dropped_before_the_message_fails_it_for_the_next_run(tmp_path, pdf):
    mail = written_invitations(tmp_path, pdf, 3)
    with smtp_server(DroppingAtRecipient(address(2))) as smtp:
        report = send_invitations(mail, smtp, FAST)
    assert [recipient for recipient, _ in report.failed] == [address(2)]
    assert report.sent == [address(1), address(3)]

    handler = Recorder()
    with smtp_server(handler) as smtp:
        rerun = send_invitations(mail, smtp, FAST)
    assert rerun.sent == [address(2)] and rerun.ok
    assert handler.recipients() == [address(2)]


def test_an_interrupted_run_resumes_without_sending_anyone_twice_or_skipping_anyone(tmp_path, pdf):
    mail = written_invitations(tmp_path, pdf, 5)
    handler = Recorder()
    with smtp_server(handler) as smtp:

        def crash_after_the_second(line: str) -> None:
            if line.startswith("sent 2/"):
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            send_invitations(mail, smtp, FAST, progress=crash_after_the_second)
        assert handler.recipients() == [address(1), address(2)]
        # A run that died after handing the third message over, before the reply: the
        # server has it, the log says only "sending".
        third = sorted(mail.glob("*.eml"))[2]
        with (mail / "sent.log").open("a", encoding="utf-8") as log:
            log.write(json.dumps({"event": "sending", "to": address(3), "file": third.name}))
            log.write("\n")
        handler.arrived.append((address(3), third.read_bytes()))

        resumed = send_invitations(mail, smtp, FAST)
        assert resumed.sent == [address(4), address(5)]
        assert resumed.already_sent == [address(1), address(2)]
        assert [recipient for recipient, _ in resumed.unconfirmed] == [address(3)]
        assert any(address(3) in line for line in resumed.problems())
        assert not resumed.ok
        assert Counter(handler.recipients()) == Counter(address(n) for n in range(1, 6))

        assert send_invitations(mail, smtp, FAST).sent == []
        confirmed = send_invitations(mail, smtp, FAST, resend_unconfirmed=True)
        assert confirmed.sent == [address(3)] and confirmed.ok
        assert send_invitations(mail, smtp, FAST).ok
    counts = Counter(handler.recipients())
    assert counts[address(3)] == 2  # only because it was asked for
    assert all(counts[address(n)] == 1 for n in (1, 2, 4, 5))


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_the_rate_limit_spaces_the_messages(tmp_path, pdf):
    mail = written_invitations(tmp_path, pdf, 4)
    time = FakeTime()
    arrival_times = []

    class Timed(Recorder):
        async def handle_DATA(self, server, session, envelope):
            arrival_times.append(time.now)
            return await super().handle_DATA(server, session, envelope)

    with smtp_server(Timed()) as smtp:
        report = send_invitations(mail, smtp, 20, clock=time.clock, sleep=time.sleep)
    assert report.ok and len(report.sent) == 4
    assert arrival_times == [100.0, 103.0, 106.0, 109.0]  # 20 a minute: 3 seconds apart
    assert sum(time.sleeps) == pytest.approx(9.0)


def test_login_without_encryption_only_to_this_machine(tmp_path, pdf):
    mail = written_invitations(tmp_path, pdf, 1)
    password = "Sesam-luk-dig-op-4711"
    settings = SmtpSettings.from_environment(
        "mail.example.org",
        587,
        starttls=False,
        environ={"BOOKLET_SMTP_USER": "atv", "BOOKLET_SMTP_PASSWORD": password},
    )
    assert password not in repr(settings)
    with pytest.raises(BookletError) as caught:
        send_invitations(mail, settings, FAST)
    assert "unencrypted" in str(caught.value) and password not in str(caught.value)
    with pytest.raises(BookletError):
        SmtpSettings.from_environment(environ={"BOOKLET_SMTP_PASSWORD": password})


# --- the command line ----------------------------------------------------------------


class Authenticator:
    def __init__(self, user: str, password: str) -> None:
        self.login = (user.encode(), password.encode())

    def __call__(self, server, session, envelope, mechanism, auth_data):
        accepted = (auth_data.login, auth_data.password) == self.login
        return AuthResult(success=accepted, handled=False)  # aiosmtpd sends 235 or 535


def run_mail(arguments: list[str], cwd: Path, password: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "BOOKLET_SMTP_USER": "atv",
        "BOOKLET_SMTP_PASSWORD": password,
    }
    return subprocess.run(
        [sys.executable, "-m", "booklet", "mail", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
    )


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_cli_sends_with_the_password_from_the_environment_and_never_shows_it(tmp_path):
    password = "Sesam-luk-dig-op-4711"
    csv_file = write_csv(tmp_path / "people.csv", people(2) + "bad address@example.org,Bad\n")
    handler = Recorder()
    authenticator = Authenticator("atv", password)
    with smtp_server(
        handler, authenticator=authenticator, auth_required=True, auth_require_tls=False
    ) as smtp:
        common = [str(SEED), "--recipients", str(csv_file), "-o", "output", "--send"]
        common += ["--host", "127.0.0.1", "--port", str(smtp.port), "--no-starttls"]
        common += ["--rate", str(FAST), "--from", SENDER]
        result = run_mail(common, tmp_path, password)
        # A second mailing (another output folder) with a wrong password.
        common[common.index("output")] = "output2"
        wrong = run_mail(common, tmp_path, "not-" + password)

    assert result.returncode == 1, result.stderr  # the bad row
    assert "Traceback" not in result.stderr
    assert result.stdout.strip() == str(Path("output") / "mail")
    assert "people.csv:4: email: 'bad address@example.org' has a space in it" in result.stderr
    assert "2 sent." in result.stderr
    assert handler.recipients() == [address(1), address(2)]

    assert wrong.returncode == 1
    assert "the server refused the user name or password" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert handler.recipients() == [address(1), address(2)]  # sent before: skipped anyway

    encoded = base64.b64encode(password.encode()).decode()
    for output in [result.stdout, result.stderr, wrong.stdout, wrong.stderr]:
        assert password not in output and encoded not in output
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(path.name == "sent.log" for path in files)
    for path in files:
        assert password.encode() not in path.read_bytes()


def test_cli_will_not_send_without_a_sender(tmp_path):
    csv_file = write_csv(tmp_path / "people.csv", people(1))
    result = run_mail(
        [str(SEED), "--recipients", str(csv_file), "-o", "output", "--send"], tmp_path, "x"
    )
    assert result.returncode == 1
    assert "--send needs --from" in result.stderr
    assert not (tmp_path / "output").exists()
