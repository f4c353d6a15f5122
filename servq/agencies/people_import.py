"""A CSV (or ODS, XLSX) of people to invite — 姓名, 電子郵件, 機關代碼, 單位, 角色 — read and checked
line by line: pure, no Django. A bad line refuses the whole file, naming the line and the value."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from servq.agencies.rules import Role
from servq.core.tables import cell_text, heading_columns, missing_headings

MAX_ROWS = 50_000
HEADERS = {
    "name": ("姓名", "name"),
    "email": ("電子郵件", "email", "e-mail", "信箱", "電子信箱"),
    "agency": ("機關代碼", "agency", "agency_code", "代碼"),
    "unit": ("單位", "unit", "單位名稱"),
    "role": ("角色", "role"),
}
# A role as an office writes it, or servq's own word for it.
ROLE_WORDS = {
    "研考督導": Role.SUPERVISOR,
    "督導": Role.SUPERVISOR,
    "機關聯絡人": Role.COORDINATOR,
    "聯絡人": Role.COORDINATOR,
    "承辦人員": Role.UNIT_STAFF,
    "承辦人": Role.UNIT_STAFF,
    "機關首長": Role.HEAD,
    "首長": Role.HEAD,
    "評審委員": Role.REVIEWER,
    "委員": Role.REVIEWER,
    **{role.value: role for role in Role},
}
EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


class PeopleRefused(ValueError):
    """The list cannot be used; the message names the line and the value."""


@dataclass(frozen=True)
class Person:
    line: int
    name: str
    email: str
    agency: str
    unit: str
    role: Role


def columns(header: Sequence[str], name: str) -> dict[str, int]:
    found = heading_columns(header, HEADERS)
    missing = missing_headings(found, HEADERS, ("name", "email", "agency", "role"))
    if missing:
        raise PeopleRefused(
            f"{name} 第 1 列：找不到欄位「{'」「'.join(missing)}」（欄名：姓名、電子郵件、機關代碼、單位、角色）。"
        )
    return found


def read_people(lines: Iterable[tuple[int, list[str]]], where: dict[str, int], name: str) -> list[Person]:
    people: list[Person] = []
    seen: dict[tuple[str, str, str, Role], int] = {}
    for line, cells in lines:
        if len(people) >= MAX_ROWS:
            raise PeopleRefused(f"{name}：超過 {MAX_ROWS:,} 列，請分批匯入。")

        def cell(key: str, cells: list[str] = cells) -> str:
            return cell_text(cells, where, key)

        at = f"{name} 第 {line} 列"
        person_name, email, role_word = cell("name"), cell("email").lower(), cell("role")
        if not person_name or len(person_name) > 150:
            raise PeopleRefused(f"{at}：姓名須為 1 到 150 字。")
        for field, value in (("姓名", person_name), ("單位", cell("unit"))):
            if value and value[0] in "=+-@":
                raise PeopleRefused(f"{at}：{field}「{value[:20]}」以 {value[0]!r} 開頭，像是試算表公式。")
        if not EMAIL.fullmatch(email) or len(email) > 254:
            raise PeopleRefused(f"{at}：「{email[:60]}」不是有效的電子郵件地址。")
        role = ROLE_WORDS.get(role_word)
        if role is None:
            raise PeopleRefused(
                f"{at}：角色「{role_word[:20]}」不是研考督導、機關聯絡人、承辦人員、機關首長或評審委員。"
            )
        if role == Role.UNIT_STAFF and not cell("unit"):
            raise PeopleRefused(f"{at}：承辦人員須填單位（科／課／室）。")
        person = Person(line, person_name, email, cell("agency").upper(), cell("unit"), role)
        key = (person.email, person.agency, person.unit, person.role)
        if key in seen:
            raise PeopleRefused(f"{at}：與第 {seen[key]} 列重複（{email}）。")
        seen[key] = line
        people.append(person)
    if not people:
        raise PeopleRefused(f"{name}：沒有任何人員資料列。")
    return people
