"""`cocreate demo`: a bilingual demo community, created through the same actions
the site uses. Idempotent: running it again changes nothing. The brand, people
and text are invented.

The demo replays five months of a community's life: every action runs with the
clock set to the moment it happens (`_Clock`), so the real rules apply as they
would have - phases open and close, ideas climb the support ladder or expire at
their deadline, ideas that reach the top wait for a review window, and staff
answer with public reasons. Three challenges end up in their submission, support
and review phases today; with the idea box they hold 300 ideas. Members discuss
them as they go: questions that the authors answer (and the askers accept),
suggestions, agreement and worries, reactions, and official answers from the staff
and employees, on the ideas and on the challenges' briefs; some replies @mention the
person they answer. The authors of the popular ideas, and of those the staff took
up, post updates (LEGO Ideas style: home-made versions and prototypes described in
photos, questions to supporters, milestones, meetings with the team), which draw
their own comments. Everyone has a handle that reads well (pinyin for Chinese names).
In the last weeks three conversations run (Pol.is style): the community's question about
the next bike (members' statements moderated before they show: accepted, rejected, meta
and one still pending), one in Chinese on the rain challenge, and the night challenge's
shortlisted ideas as statements. Members vote as their camp leans (tech, simple or
family, with noise), so each report finds opinion groups and common ground; the reports
are computed at the end, and the jury's later decisions on shortlisted ideas link theirs."""

# The timeline is a list of lambdas that bind loop variables through default
# arguments; mypy cannot infer the type of such lambdas, so that check is off here.
# mypy: disable-error-code="misc"

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cocreate.accounts import handles
from cocreate.accounts.models import User
from cocreate.challenges import actions as challenge_actions
from cocreate.challenges.models import Challenge
from cocreate.communities import actions
from cocreate.communities import demo_data as text
from cocreate.communities.models import Community, Membership, Role
from cocreate.consensus import actions as consensus_actions
from cocreate.consensus import compute as consensus_compute
from cocreate.consensus.models import Conversation, Statement, StatementStatus, Vote
from cocreate.core.errors import ActionError
from cocreate.core.permissions import can, forget_roles
from cocreate.dialogue import actions as dialogue_actions
from cocreate.dialogue import updates as idea_updates
from cocreate.dialogue.models import Comment, IdeaUpdate
from cocreate.ideas import actions as idea_actions
from cocreate.ideas.models import Idea

DEMO_PASSWORD = "cocreate-demo-2026"
SLUG = "nimbus-riders"
SEED = 2026

MISSION = """Nimbus Bikes makes city bicycles. **Nimbus Riders** is where the people who ride
them decide, with us, what we build next.

Nimbus 云朵单车做城市自行车。**云朵骑士会**是骑行者和我们一起决定下一步做什么的地方。"""

VALUES = """- **We create together** – not "I" create, but "we" create. 不是"我"创造，而是"我们"一起创造。
- **Open answers** – staff answer in public, and every decision comes with its reason. 官方公开回答，每个决定都说明理由。
- **Fair credit** – every idea that ships names the people who brought it. 每个落地的点子都署上提出者的名字。"""

RULES = """1. Be kind and stay on topic. 友善交流，不跑题。
2. Ideas you post here are not confidential; you keep your rights to them. 在这里发布的点子不保密，你保留自己的权利。
3. Staff answers are marked *official*. 官方回答会标注为"官方"。
4. Moderators may hide posts that break these rules and must say why. 版主可以隐藏违规内容，并且必须说明原因。"""

RULES_V2 = (
    RULES
    + """
5. Prototype testers are chosen by lot among members who apply. 原型测试者从报名的成员中抽签产生。"""
)

PEOPLE: list[tuple[str, str, str]] = [
    # (display name, short bio, language)
    ("Mara Lindqvist", "Head of community at Nimbus Bikes.", "en"),
    ("陈思远", "Nimbus 产品经理，负责通勤系列。", "zh-hans"),
    ("Tobias Reinholt", "Frame engineer. Ask me about geometry.", "en"),
    ("李晓雯", "社区运营，每周五整理大家的建议。", "zh-hans"),
    ("Priya Raman", "Moderator. Riding since I was six.", "en"),
    ("王浩然", "版主，骑行十年的老车友。", "zh-hans"),
    ("Jonas Eberle", "Moderator and weekend mechanic.", "en"),
    ("赵雨桐", "Nimbus 设计师，喜欢画草图。", "zh-hans"),
    ("Camille Ferraud", "Nimbus support team.", "en"),
    ("孙立", "Nimbus 工厂质检工程师。", "zh-hans"),
    ("Samuel Okafor", "Nimbus electrical engineer (e-assist).", "en"),
    ("周敏", "Nimbus 门店店长。", "zh-hans"),
    ("Greta Holm", "Partner: runs a cargo bike rental in the old town.", "en"),
    ("刘建国", "合作伙伴：城市骑行俱乐部负责人。", "zh-hans"),
    ("Aiko Tanabe", "Partner: urban planning researcher.", "en"),
    ("Leo Marchetti", "Daily commuter, 14 km each way.", "en"),
    ("张可欣", "每天骑车上班，关心雨天骑行。", "zh-hans"),
    ("Nadia Petrova", "Two kids, one cargo bike.", "en"),
    ("黄子轩", "大学生，骑车去图书馆。", "zh-hans"),
    ("Owen Gallagher", "I fix old bikes for fun.", "en"),
    ("吴佳怡", "周末骑行拍照爱好者。", "zh-hans"),
    ("Fatima Zahra Idrissi", "Night-shift nurse, rides home at 2 am.", "en"),
    ("郑凯", "喜欢改装车灯。", "zh-hans"),
    ("Henrik Solberg", "Winter rider. Studded tyres forever.", "en"),
    ("林若曦", "骑行新手，正在学习换内胎。", "zh-hans"),
    ("Ana Ribeiro", "Architect; cares about bike parking.", "en"),
    ("何志强", "外卖骑手，每天骑八十公里。", "zh-hans"),
    ("Marcus Lindgren", "Commuter and amateur racer.", "en"),
    ("高雅", "带孩子骑行的妈妈。", "zh-hans"),
    ("Ines Castillo", "Teacher; rides to school with my class.", "en"),
    ("罗斌", "喜欢长途骑行，去过青海湖。", "zh-hans"),
    ("Daniel Weiss", "Software developer, rides to the office.", "en"),
    ("谢婉婷", "关注骑行安全和夜间可见度。", "zh-hans"),
    ("Yusuf Demir", "Courier. Brakes matter.", "en"),
    ("韩磊", "山地车转城市车的骑友。", "zh-hans"),
    ("Sofia Kowalska", "Student, bike + train every day.", "en"),
    ("冯晨", "喜欢折叠车，住在地铁站附近。", "zh-hans"),
    ("Emil Andersen", "Retired engineer, rides every morning.", "en"),
    ("邓美玲", "社区志愿者，组织周末骑行。", "zh-hans"),
    ("Lucía Moreno", "Photographer; my bike carries my gear.", "en"),
    ("曹宇", "喜欢研究变速系统。", "zh-hans"),
    ("Tom Whitaker", "Dad of three, cargo bike convert.", "en"),
    ("彭静", "通勤二十公里，想要更好的挡泥板。", "zh-hans"),
    ("Hannah Becker", "Riding in a hilly town.", "en"),
    ("蒋涛", "电助力车用户。", "zh-hans"),
    ("Ravi Shankar", "Bike commuter and tinkerer.", "en"),
    ("沈悦", "喜欢复古车型。", "zh-hans"),
    ("Chloé Martin", "I ride to the market every Saturday.", "en"),
    ("丁浩", "自行车维修师傅。", "zh-hans"),
    ("Mateo Rossi", "New to cycling, loving it.", "en"),
    ("许诺", "研究生，骑车做田野调查。", "zh-hans"),
    ("Olivia Brennan", "Runs a kids' bike club.", "en"),
    ("唐亮", "骑车送孩子上学。", "zh-hans"),
    ("Kwame Mensah", "Bike mechanic apprentice.", "en"),
    ("范琳", "喜欢在河边骑行。", "zh-hans"),
    ("Elena Vasquez", "Long-distance tourer.", "en"),
    ("宋杰", "骑行俱乐部队长。", "zh-hans"),
    ("Niels de Vries", "Grew up riding in Utrecht.", "en"),
    ("马丽娜", "喜欢给自行车拍视频。", "zh-hans"),
    ("Arjun Mehta", "Commuter; wants better locks.", "en"),
]

# Handles for @mentions that read well: pinyin for the Chinese names (the site would
# otherwise pick "member" and a number); Latin names get theirs from the name itself.
HANDLES = {
    "陈思远": "chensiyuan",
    "李晓雯": "lixiaowen",
    "王浩然": "wanghaoran",
    "赵雨桐": "zhaoyutong",
    "孙立": "sunli",
    "周敏": "zhoumin",
    "刘建国": "liujianguo",
    "张可欣": "zhangkexin",
    "黄子轩": "huangzixuan",
    "吴佳怡": "wujiayi",
    "郑凯": "zhengkai",
    "林若曦": "linruoxi",
    "何志强": "hezhiqiang",
    "高雅": "gaoya",
    "罗斌": "luobin",
    "谢婉婷": "xiewanting",
    "韩磊": "hanlei",
    "冯晨": "fengchen",
    "邓美玲": "dengmeiling",
    "曹宇": "caoyu",
    "彭静": "pengjing",
    "蒋涛": "jiangtao",
    "沈悦": "shenyue",
    "丁浩": "dinghao",
    "许诺": "xunuo",
    "唐亮": "tangliang",
    "范琳": "fanlin",
    "宋杰": "songjie",
    "马丽娜": "malina",
    "钱多多": "qianduoduo",
    "叶青": "yeqing",
}

ROLES = (
    [Role.STAFF] * 3 + [Role.MODERATOR] * 3 + [Role.EMPLOYEE] * 5 + [Role.PARTNER] * 3
)  # for people 1-14, after the owner (person 0); everyone else is a member

APPLICANTS: list[tuple[str, str, str, list[str]]] = [
    (
        "Petra Novak",
        "Cyclist in a rainy city.",
        "en",
        ["Every day, 9 km each way.", "Better mudguards and a chain cover that lasts."],
    ),
    (
        "钱多多",
        "想给电助力车提建议。",
        "zh-hans",
        ["每周骑四五次，主要是通勤。", "希望电池可以拆下来在办公室充电。"],
    ),
    (
        "Benedikt Graf",
        "Mountain biker moving to the city.",
        "en",
        ["Weekends mostly.", "Sharing what I know about suspension for rough city streets."],
    ),
    (
        "叶青",
        "骑行摄影师。",
        "zh-hans",
        ["每天都骑。", "想分享骑行路线和照片，也想参与新车型的设计讨论。"],
    ),
    (
        "Rosa Lindahl",
        "Bike-to-school parent.",
        "en",
        ["Twice a day with my son.", "A child seat that fits the Nimbus rack."],
    ),
    ("Felix Braun", "Student.", "en", ["Most days.", "I want to test prototypes."]),
]

QUESTIONS = [
    "How often do you ride? 你多久骑一次车？",
    "What would you like to bring to Nimbus Riders? 你想为云朵骑士会带来什么？",
]


# The staff who answer ideas, by the idea's language.
DECIDERS = {"en": ("Mara Lindqvist", "Tobias Reinholt"), "zh-hans": ("陈思远", "李晓雯")}
# A small ladder, so that demo ideas visibly climb, complete or expire.
LADDER = [
    {"threshold": 10, "days": 30},
    {"threshold": 25, "days": 60},
    {"threshold": 50, "days": 90},
]
# Days from now. Each challenge is in a different phase today.
PHASES: dict[str, list[tuple[str, float, float | None]]] = {
    "rain": [
        ("submission", -18, 24),
        ("support", 24, 45),
        ("review", 45, 60),
        ("decision", 60, 75),
        ("delivery", 75, None),
    ],
    "cargo": [
        ("submission", -55, -12),
        ("support", -12, 18),
        ("review", 18, 32),
        ("decision", 32, 45),
        ("delivery", 45, None),
    ],
    "night": [
        ("submission", -80, -45),
        ("support", -45, -20),
        ("review", -20, 8),
        ("decision", 8, 22),
        ("delivery", 22, None),
    ],
}
BOX_WINDOWS = [(-62, -56), (-22, -15), (26, 33)]  # (cut-off, review), days from now
RAIN_WINDOWS = [(45, 50)]
IDEAS = {"box": 110, "rain": 70, "cargo": 60, "night": 60}
REMIXES = {"box": 10, "rain": 8, "cargo": 7, "night": 7}
LATEST = -0.01  # nothing in the story happens later than this (days from now)
LIVELY = 12  # ideas with a lively discussion (8-20 comments); most get 0-3
# Who asks about each challenge's brief, and who answers officially (text.CHALLENGE_QUESTIONS).
CHALLENGE_TALK = {
    "rain": [
        ("Leo Marchetti", "Tobias Reinholt"),
        ("张可欣", "陈思远"),
        ("Henrik Solberg", "Mara Lindqvist"),
    ],
    "cargo": [
        ("高雅", "李晓雯"),
        ("Tom Whitaker", "Camille Ferraud"),
        ("Nadia Petrova", "Tobias Reinholt"),
    ],
    "night": [
        ("Fatima Zahra Idrissi", "Samuel Okafor"),
        ("郑凯", "孙立"),
        ("Daniel Weiss", "Mara Lindqvist"),
    ],
}


def _email(index: int) -> str:
    return f"rider{index:02d}@nimbus-demo.example"


class _Clock:
    """The story's clock. While `running`, `django.utils.timezone.now` returns the
    story's moment, so actions, permission checks and timestamps all see it."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = max(self.moment, moment)  # time only moves forward

    @contextmanager
    def running(self) -> Iterator[_Clock]:
        with mock.patch("django.utils.timezone.now", self):
            yield self


@dataclass(eq=False)
class IdeaPlan:
    """What will happen to one idea; all times in days from now."""

    key: int
    where: str  # "box", "rain", "cargo" or "night"
    theme: str
    author: str
    language: str
    created: float
    supports: int
    support_end: float
    steps: list[tuple[float, str, str]] = field(default_factory=list)  # (day, stage, reason)
    edit_until: float | None = None  # authors may edit until then; None: never edited
    star: bool = False
    remixable: bool = False
    parent: IdeaPlan | None = None
    resubmission_of: IdeaPlan | None = None
    coauthor: str | None = None
    coauthor_accepts: bool = True
    edit_at: float | None = None
    edit_title: str = ""
    edit_twist: str = ""
    solution: int = -1
    twist: str = ""
    title: str = ""
    body: str = ""
    tags: list[str] = field(default_factory=list)
    coauthor_at: float | None = None  # when the co-author accepted
    backers: list[tuple[float, str]] = field(default_factory=list)  # (day, supporter)


class _Planner:
    """Decides, from a seeded random generator, what happens to each of the 300 ideas:
    when it is submitted, by whom, how many supporters it gets and when, and which
    stage changes follow. The timings respect the ladder and the phases, so the
    actions accept every step."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ideas: list[IdeaPlan] = []
        self.language = {name: language for name, _bio, language in PEOPLE}
        self.names = [name for name, _bio, _language in PEOPLE]
        self.staff = {
            name for name, role in zip(self.names[1:], ROLES, strict=False) if role == Role.STAFF
        }
        self.author_weight = [
            0.0 if i == 0 else (0.2 if name in self.staff else 1.0) * rng.uniform(0.3, 2.5)
            for i, name in enumerate(self.names)
        ]
        self.support_weight = {name: rng.uniform(0.3, 3.0) for name in self.names}
        # (solution, twist) pairs already used, by (theme, language): titles stay unique.
        self.used: dict[tuple[str, str], set[tuple[int, str]]] = {}

    def u(self, low: float, high: float) -> float:
        return self.rng.uniform(low, high)

    def skewed(self) -> int:
        """Most ideas get a handful of supporters, some a few dozen."""
        r = self.rng.random()
        if r < 0.8:
            return min(5, int(self.rng.expovariate(0.6)))
        if r < 0.96:
            return self.rng.randint(6, 12)
        return self.rng.randint(13, 29)

    def add(
        self,
        where: str,
        created: float,
        supports: int,
        support_end: float,
        *,
        steps: list[tuple[float, str, str]] | None = None,
        edit_until: float | None = LATEST,
        author: str | None = None,
        theme: str | None = None,
        star: bool = False,
        remixable: bool = False,
    ) -> IdeaPlan:
        author = author or self.rng.choices(self.names, self.author_weight)[0]
        if theme is None:
            theme = where
            if where == "box":
                theme = self.rng.choices(["general", "rain", "cargo", "night"], [6, 2, 1, 1])[0]
        plan = IdeaPlan(
            key=len(self.ideas),
            where=where,
            theme=theme,
            author=author,
            language=self.language[author],
            created=min(created, LATEST - 0.05),
            supports=supports,
            support_end=support_end,
            steps=steps or [],
            edit_until=edit_until,
            star=star,
            remixable=remixable,
        )
        self.ideas.append(plan)
        return plan

    def plan(self) -> list[IdeaPlan]:
        self._box()
        self._rain()
        self._cargo()
        self._night()
        for plan in self.ideas:
            first = min([day for day, _stage, _reason in plan.steps], default=LATEST)
            plan.support_end = min(plan.support_end, first - 0.05, LATEST)
            if plan.edit_until is not None:
                plan.edit_until = min(plan.edit_until, first - 0.05, LATEST)
        self._remixes()
        for plan in sorted(self.ideas, key=lambda p: p.created):
            self._write(plan)
        self._coauthors()
        self._edits()
        return self.ideas

    # --- where the ideas go ------------------------------------------------------------

    def _box(self) -> None:
        u, randint = self.u, self.rng.randint
        # Ideas that reached the top of the ladder and were reviewed in a past window.
        outcomes = {
            "delivered": [
                (u(-50, -47), "accepted", "accepted"),
                (u(-38, -35), "in_progress", "in_progress"),
                (u(-9, -5), "delivered", "delivered"),
            ],
            "in_progress": [
                (u(-47, -44), "accepted", "accepted"),
                (u(-20, -16), "in_progress", "in_progress"),
            ],
            "declined": [(u(-52, -49), "declined", "declined")],
        }
        for fate in ("delivered", "in_progress", "declined"):
            c = u(-128, -76)  # complete before the first cut-off (-62), reviewed at -56
            steps = [(day + u(0, 1), stage, why) for day, stage, why in outcomes[fate]]
            self.add("box", c, randint(50, 55), c + 9, steps=steps, star=True)
        for accepted in (True, False):
            c = u(-56, -36)  # complete before the second cut-off (-22), reviewed at -15
            steps = [(u(-10, -6), "accepted", "accepted")] if accepted else []
            self.add("box", c, randint(50, 55), c + 9, steps=steps, star=True)
        for _ in range(2):  # complete, waiting for the next review window
            c = u(-19, -9)
            self.add("box", c, randint(50, 55), c + 9, star=True)
        for _ in range(3):  # popular, still climbing
            c = u(-80, -12)
            self.add("box", c, randint(30, 45), c + 20)
        for outcome in ("accepted", "declined", ""):  # staff take an early look
            c = u(-50, -15)
            look = c + u(5, 9)
            steps = [(look, "under_review", "under_review")]
            if outcome:
                steps.append((look + u(3, 8), outcome, outcome))
            self.add("box", c, randint(10, 18), look, steps=steps)
        for _ in range(6):
            c = u(-125, -4)
            self.add(
                "box", c, randint(0, 6), c + 5, steps=[(c + u(1, 3.5), "declined", "declined")]
            )
        for _ in range(4):
            c = u(-125, -4)
            self.add(
                "box", c, randint(0, 4), c + 5, steps=[(c + u(0.5, 3), "archived", "duplicate")]
            )
        expired = []
        for i in range(10):  # too few supporters by the first deadline (30 days)
            c = u(-85, -62) if i < 2 else u(-128, -35)
            expired.append(self.add("box", c, randint(1, 9), c + u(5, 25), edit_until=c + 29))
        for original in expired[:2]:  # their authors try again
            c = original.created + 30 + u(2, 8)
            again = self.add(
                "box", c, randint(10, 16), c + 20, author=original.author, theme=original.theme
            )
            again.resubmission_of = original
        while sum(p.where == "box" for p in self.ideas) < IDEAS["box"]:
            n = self.skewed()
            # Keep within the ladder's deadlines: 10 in 30 days, 25 in 60 more.
            c = u(-29, -0.1) if n < 10 else u(-55, -1) if n < 25 else u(-80, -1)
            self.add("box", c, n, c + 25, remixable=True)

    def _rain(self) -> None:
        u, randint = self.u, self.rng.randint
        for fate in ("answered", "declined", "overdue"):
            c = u(-17.5, -14)  # 50 supporters within 6 days; staff have 5 days to answer
            steps = []
            if fate != "overdue":
                steps.append((c + 6 + u(0.5, 1.5), "under_review", "under_review"))
            if fate == "declined":
                steps.append((u(-3, -1), "declined", "declined"))
            self.add("rain", c, randint(50, 55), c + 6, steps=steps, star=True, edit_until=None)
        for _ in range(2):
            c = u(-17, -8)
            self.add("rain", c, randint(30, 45), c + 12)
        c = u(-16, -6)
        look = c + u(3, 5)
        self.add("rain", c, randint(10, 18), look, steps=[(look, "under_review", "under_review")])
        for i in range(3):
            c = u(-17, -2)
            why = "out_of_scope" if i < 2 else "declined"
            self.add("rain", c, randint(0, 5), c + 2, steps=[(c + u(0.5, 2), "declined", why)])
        for _ in range(2):
            c = u(-15, -2)
            self.add(
                "rain", c, randint(0, 3), c + 2, steps=[(c + u(0.5, 2), "archived", "duplicate")]
            )
        while sum(p.where == "rain" for p in self.ideas) < IDEAS["rain"]:
            self.add("rain", u(-17.9, -0.05), self.skewed(), LATEST, remixable=True)

    def _cargo(self) -> None:
        u, randint = self.u, self.rng.randint
        for _ in range(3):
            self.add("cargo", u(-54, -40), randint(30, 48), LATEST, star=True)
        for i in range(3):
            c = u(-54, -14)
            why = "out_of_scope" if i < 2 else "declined"
            self.add("cargo", c, randint(0, 5), c + 5, steps=[(c + u(1, 4), "declined", why)])
        for _ in range(2):
            c = u(-50, -14)
            self.add(
                "cargo", c, randint(0, 3), c + 5, steps=[(c + u(1, 4), "archived", "duplicate")]
            )
        while sum(p.where == "cargo" for p in self.ideas) < IDEAS["cargo"]:
            c = u(-54.9, -12.3)
            self.add("cargo", c, self.skewed(), c + 35, remixable=True)

    def _night(self) -> None:
        u, randint = self.u, self.rng.randint
        closes = -20.2  # the support phase ends at -20
        for _ in range(3):
            self.add("night", u(-79, -65), randint(30, 48), closes, star=True, edit_until=closes)
        while sum(p.where == "night" for p in self.ideas) < IDEAS["night"]:
            c = u(-79.9, -45.3)
            self.add(
                "night", c, self.skewed(), min(c + 30, closes), edit_until=closes, remixable=True
            )
        # The review phase (from -20): the jury shortlists the ten most supported ideas.
        night = sorted(
            (p for p in self.ideas if p.where == "night"), key=lambda p: (-p.supports, p.key)
        )
        for rank, plan in enumerate(night[:10]):
            plan.steps.append((u(-19.5, -17), "under_review", "shortlisted"))
            if rank in (4, 7):
                plan.steps.append((u(-9, -4), "declined", "declined"))
        rest = night[10:]
        self.rng.shuffle(rest)
        for plan in rest[:5]:
            plan.steps.append((u(-18, -6), "declined", "declined"))
        for plan in rest[5:8]:
            plan.steps.append((u(-19, -13), "archived", "duplicate"))

    # --- remixes, text, co-authors and edits ---------------------------------------------

    def _remixes(self) -> None:
        for where, count in REMIXES.items():
            ideas = [p for p in self.ideas if p.where == where]
            first = min(p.created for p in ideas)
            candidates = [p for p in ideas if p.remixable and p.created >= first + 1]
            for plan in sorted(self.rng.sample(candidates, count), key=lambda p: p.created):
                pool = [
                    p
                    for p in self.ideas
                    if p.where == where and p.created <= plan.created - 0.5 and p is not plan
                ]
                if where == "box" and self.rng.random() < 0.25:
                    # Continuing a challenge's idea in the idea box.
                    elsewhere = [
                        p
                        for p in self.ideas
                        if p.where in ("night", "cargo") and p.created <= plan.created - 0.5
                    ]
                    pool = elsewhere or pool
                remixes = [p for p in pool if p.parent is not None]
                if remixes and self.rng.random() < 0.4:
                    parent = self.rng.choice(remixes)
                else:
                    parent = self.rng.choices(pool, [1 + p.supports for p in pool])[0]
                plan.parent = parent
                plan.theme = parent.theme

    def _pick(
        self, plan: IdeaPlan, used: set[tuple[int, str]], solution: int = -1, avoid: str = ""
    ) -> None:
        theme = text.THEMES[plan.theme]
        for attempt in range(200):
            index = (
                solution
                if solution >= 0 and attempt < 20
                else self.rng.randrange(len(theme.solutions))
            )
            twist = self.rng.choice(theme.solutions[index].twists)
            if (index, twist) not in used and twist != avoid:
                used.add((index, twist))
                plan.solution, plan.twist = index, twist
                return
        raise RuntimeError(f"no title left for theme {plan.theme}")

    def _write(self, plan: IdeaPlan) -> None:
        used = self.used.setdefault((plan.theme, plan.language), set())
        base = plan.parent or plan.resubmission_of
        if base is not None and base.theme == plan.theme:
            self._pick(plan, used, base.solution, base.twist)  # the same idea, a new twist
        else:
            self._pick(plan, used)
        theme = text.THEMES[plan.theme]
        solution = theme.solutions[plan.solution]
        plan.title = text.title(solution, text.TWISTS[plan.twist], plan.language)
        preface = ""
        if plan.parent is not None:
            preface = text.remix_preface(self.rng, plan.parent.title, plan.language)
        elif plan.resubmission_of is not None:
            preface = text.resubmission_preface(plan.resubmission_of.supports, plan.language)
        plan.body = text.body(
            self.rng, theme, solution, text.TWISTS[plan.twist], plan.language, preface=preface
        )
        plan.tags = text.tags(solution, plan.language)

    def _coauthors(self) -> None:
        candidates = [p for p in self.ideas if not p.star and p.resubmission_of is None]
        for i, plan in enumerate(self.rng.sample(candidates, 22)):
            partners = [
                name
                for name in self.names[1:]
                if self.language[name] == plan.language
                and name != plan.author
                and name not in self.staff
            ]
            plan.coauthor = self.rng.choice(partners)
            plan.coauthor_accepts = i >= 3  # three invitations are still open

    def _edits(self) -> None:
        candidates = [
            p
            for p in self.ideas
            if p.edit_until is not None and p.edit_until - p.created >= 0.5 and not p.star
        ]
        for i, plan in enumerate(self.rng.sample(candidates, 30)):
            assert plan.edit_until is not None
            plan.edit_at = plan.created + self.u(0.3, 0.9) * (plan.edit_until - plan.created)
            if i % 3 == 0:  # a material change: a new title
                used = self.used[(plan.theme, plan.language)]
                theme = text.THEMES[plan.theme]
                twists = [
                    t
                    for t in theme.solutions[plan.solution].twists
                    if (plan.solution, t) not in used
                ]
                if twists:
                    twist = self.rng.choice(twists)
                    used.add((plan.solution, twist))
                    plan.edit_twist = twist
                    plan.edit_title = text.title(
                        theme.solutions[plan.solution], text.TWISTS[twist], plan.language
                    )

    def supporters(self, plan: IdeaPlan) -> list[tuple[float, str]]:
        """Who supports the idea and when: more often early, never the authors."""
        pool = [n for n in self.names if n not in (plan.author, plan.coauthor)]
        keyed = sorted(
            pool, key=lambda n: self.rng.random() ** (1 / self.support_weight[n]), reverse=True
        )
        start, end = plan.created + 0.02, plan.support_end
        if end <= start:
            return []
        chosen = keyed[: plan.supports]
        times = sorted(start + (end - start) * self.rng.random() ** 1.6 for _ in chosen)
        return list(zip(times, chosen, strict=True))

    def answers(self) -> dict[str, str]:
        if self.rng.random() < 0.25:
            return {}
        pay, count = text.CARGO_QUESTIONS
        return {
            pay: str(self.rng.choice([20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 120])),
            count: self.rng.choice(["1", "1", "1", "2", "2", "3"]),
        }


@dataclass(eq=False)
class CommentPlan:
    """One comment in the story: on an idea, or (idea None) on the challenge `where`."""

    day: float
    author: str
    body: str
    where: str
    idea: IdeaPlan | None = None
    parent: CommentPlan | None = None
    official: bool = False
    kind: str = "question"  # what it says: chooses the reactions it gets
    accept_at: float | None = None  # when the thread's asker marks this reply as the answer
    reactions: list[tuple[float, str, str]] = field(default_factory=list)  # (day, who, kind)
    update: UpdatePlan | None = None  # a comment on one of the idea's updates
    mention: str | None = None  # who it starts by @mentioning

    @property
    def root(self) -> CommentPlan:
        return self if self.parent is None else self.parent.root


# The reactions each kind of comment draws (kind: weight).
REACTIONS: dict[str, dict[str, int]] = {
    "question": {"thumbs_up": 3, "thinking": 1},
    "answer": {"thumbs_up": 3, "heart": 1, "idea": 1},
    "suggestion": {"idea": 3, "thumbs_up": 2},
    "agreement": {"thumbs_up": 3, "heart": 2},
    "concern": {"thinking": 2, "thumbs_up": 2},
    "remark": {"thumbs_up": 2, "heart": 1},
    "official": {"thumbs_up": 3, "heart": 1, "idea": 1},
    "good news": {"party": 3, "heart": 2, "thumbs_up": 2},
    "bad news": {"thumbs_up": 2, "thinking": 2, "heart": 1},
}
# Official answers after a stage change, by the change's reason (see text.OFFICIAL).
AFTER_STEP = {
    "under_review": "under_review",
    "shortlisted": "under_review",
    "accepted": "accepted",
    "in_progress": "in_progress",
    "delivered": "delivered",
    "declined": "declined",
}


class _Discussions:
    """Decides, from its own seeded generator (the ideas' plan stays as it was), who
    says what about which idea and when. Most ideas get a few comments or none, a
    dozen popular ones get lively threads, and staff or employees answer officially
    after stage changes. Everyone writes in the idea's language."""

    def __init__(self, rng: random.Random, planner: _Planner, published: dict[str, float]):
        self.rng = rng
        self.published = published
        self.comments: list[CommentPlan] = []
        names = planner.names
        self.language = planner.language
        roles = dict(zip(names[1:], ROLES, strict=False))
        official = {Role.STAFF, Role.EMPLOYEE}
        self.names = names
        # Members talk; the owner, staff and employees speak for Nimbus.
        self.talkers = {
            lang: [
                n for n in names[1:] if roles.get(n) not in official and self.language[n] == lang
            ]
            for lang in ("en", "zh-hans")
        }
        self.speakers = {
            lang: [
                n
                for n in names
                if (n == names[0] or roles.get(n) in official) and self.language[n] == lang
            ]
            for lang in ("en", "zh-hans")
        }
        self.weight = {name: rng.uniform(0.2, 3.0) for name in names}
        self.said: dict[IdeaPlan, set[str]] = {}  # the parts already used, by idea

    def u(self, low: float, high: float) -> float:
        return self.rng.uniform(low, high)

    def plan(self, ideas: list[IdeaPlan]) -> list[CommentPlan]:
        candidates = [p for p in ideas if p.supports >= 8 and p.resubmission_of is None]
        lively = set(self._pick(candidates, LIVELY, lambda p: 5 + p.supports))
        for idea in ideas:
            if idea in lively:
                self._talk(idea, self.rng.randint(8, 16), lively=True)
            else:
                self._talk(idea, self._few(idea), lively=False)
            self._officials(idea, watching=idea in lively)
            if idea.where == "rain" and idea.star and not idea.steps:
                # At the top of the ladder, and the team's answer is overdue: see _rain().
                asker = self._member(idea.language, avoid=(idea.author,))
                self._say(idea, self.u(-2.5, -0.5), asker, text.NUDGES[idea.language], "remark")
        for key, pairs in CHALLENGE_TALK.items():
            self._brief(key, pairs)
        return self.comments

    # --- who and when ------------------------------------------------------------------

    def _pick(self, pool: list[Any], count: int, weight: Callable[[Any], float]) -> list[Any]:
        """`count` different items, more likely the heavier ones."""
        keyed = sorted(pool, key=lambda item: self.rng.random() ** (1 / weight(item)), reverse=True)
        return keyed[:count]

    def _member(self, language: str, avoid: Sequence[str | None] = ()) -> str:
        pool = [n for n in self.talkers[language] if n not in avoid]
        return self.rng.choices(pool, [self.weight[n] for n in pool])[0]

    def _speaker(self, language: str, avoid: Sequence[str | None] = ()) -> str:
        return self.rng.choice([n for n in self.speakers[language] if n not in avoid])

    def _few(self, idea: IdeaPlan) -> int:
        """Most ideas get no comment or a handful; better supported ones a few more."""
        if self.rng.random() < max(0.2, 0.6 - idea.supports * 0.04):
            return 0
        return min(6, 1 + int(self.rng.expovariate(1.4 - min(0.8, idea.supports / 30))))

    def _window(self, idea: IdeaPlan) -> tuple[float, float]:
        """When people talk about an idea: while it is new and collecting support, or
        until today once the staff took it up (expired ideas close their discussion)."""
        start, end = idea.created + 0.05, LATEST
        if idea.where in ("box", "rain") and not idea.steps:
            end = min(end, idea.created + (27 if idea.supports < 10 else 85))
        return start, end

    def _after(self, day: float, most: float = 1.5) -> float:
        """A moment soon after `day`, never later than the story's end."""
        return day + min(self.u(0.02, most), (LATEST - day) * self.u(0.3, 0.9))

    # --- what is said ------------------------------------------------------------------

    def _say(
        self,
        idea: IdeaPlan | None,
        day: float,
        author: str,
        body: str,
        kind: str,
        *,
        where: str = "",
        parent: CommentPlan | None = None,
        official: bool = False,
        update: UpdatePlan | None = None,
    ) -> CommentPlan:
        comment = CommentPlan(
            day=day,
            author=author,
            body=body,
            where=idea.where if idea else where,
            idea=idea,
            parent=parent,
            official=official,
            kind=kind,
            update=update,
        )
        self.comments.append(comment)
        self._reactions(comment)
        return comment

    def _reactions(self, comment: CommentPlan) -> None:
        rng = self.rng
        if comment.official:
            count = rng.randint(2, 7)
        elif comment.parent is None:
            count = 0 if rng.random() < 0.5 else min(5, 1 + int(rng.expovariate(0.9)))
        else:
            count = 0 if rng.random() < 0.7 else rng.randint(1, 2)
        language = self.language[comment.author]
        pool = [n for n in self.names if n != comment.author]
        people = self._pick(
            pool, count, lambda n: self.weight[n] * (1 if self.language[n] == language else 0.25)
        )
        kinds = REACTIONS[comment.kind]
        for name in people:
            kind = rng.choices(list(kinds), list(kinds.values()))[0]
            comment.reactions.append((self._after(comment.day, 3), name, kind))

    def _talk(self, idea: IdeaPlan, budget: int, *, lively: bool) -> None:
        start, end = self._window(idea)
        if budget == 0 or end - start < 0.05:
            return
        deep = lively and self.rng.random() < 0.6  # a thread that goes four replies deep
        spent = 0
        while spent < budget:
            day = start + (end - start) * self.rng.random() ** 1.7
            if deep:
                spent += self._question(idea, day, lively=True, deep=True)
                deep = False
                continue
            kind = self.rng.choices(
                ["question", "suggestion", "agreement", "concern"], [35, 20, 25, 20]
            )[0]
            spent += getattr(self, f"_{kind}")(idea, day, lively=lively)

    def _parts(self, idea: IdeaPlan) -> tuple[text.Theme, text.Solution, bool, set[str]]:
        """The idea's theme and solution, whether it is a service, and what was
        already said about it (so that nothing is said twice)."""
        theme = text.THEMES[idea.theme]
        solution = theme.solutions[idea.solution]
        service = "service" in text.scopes(idea.theme, solution)
        return theme, solution, service, self.said.setdefault(idea, set())

    def _question(self, idea: IdeaPlan, day: float, *, lively: bool, deep: bool = False) -> int:
        """A question; the author usually answers and the asker may accept the answer.
        Deep threads go on (follow-up, reply, remark: depth 4); Nimbus may chip in."""
        rng, lang = self.rng, idea.language
        _theme, solution, service, used = self._parts(idea)
        asker = self._member(lang, avoid=(idea.author, idea.coauthor))
        body, question = text.question(rng, idea.theme, solution, lang, used)
        root = self._say(idea, day, asker, body, "question")
        said = 1
        if deep or rng.random() < 0.75:
            answer = text.answer(rng, question, lang, used)
            reply = self._say(idea, self._after(day), idea.author, answer, "answer", parent=root)
            said += 1
            if rng.random() < 0.5:
                reply.accept_at = self._after(reply.day, 1.0)
            if deep:
                follow, replies = text.follow_up(rng, service, lang, used)
                more = self._say(
                    idea, self._after(reply.day), asker, follow, "question", parent=reply
                )
                back = rng.choice(replies)
                back_plan = self._say(
                    idea, self._after(more.day), idea.author, back, "answer", parent=more
                )
                third = self._member(lang, avoid=(idea.author, asker))
                remark = text.remark(rng, service, lang, used)
                self._say(
                    idea, self._after(back_plan.day), third, remark, "remark", parent=back_plan
                )
                said += 3
        official = text.official_answer(question, lang)
        if official and rng.random() < (0.35 if lively else 0.08):
            speaker = self._speaker(lang, avoid=(idea.author,))
            self._say(
                idea, self._after(day, 3), speaker, official, "official", parent=root, official=True
            )
            said += 1
        elif rng.random() < 0.15:
            third = self._member(lang, avoid=(idea.author, asker))
            remark = text.remark(rng, service, lang, used)
            self._say(idea, self._after(day, 3), third, remark, "remark", parent=root)
            said += 1
        return said

    def _suggestion(self, idea: IdeaPlan, day: float, *, lively: bool) -> int:
        rng, lang = self.rng, idea.language
        _theme, solution, _service, used = self._parts(idea)
        member = self._member(lang, avoid=(idea.author, idea.coauthor))
        body = text.suggestion(rng, solution, (idea.twist, idea.edit_twist), lang, used)
        root = self._say(idea, day, member, body, "suggestion")
        if rng.random() < 0.5:
            answer = text.reply(rng, "suggestion", lang, used)
            self._say(idea, self._after(day), idea.author, answer, "answer", parent=root)
            return 2
        return 1

    def _agreement(self, idea: IdeaPlan, day: float, *, lively: bool) -> int:
        theme, solution, _service, used = self._parts(idea)
        member = self._member(idea.language, avoid=(idea.author, idea.coauthor))
        body = text.agreement(self.rng, theme, solution, idea.language, used)
        self._say(idea, day, member, body, "agreement")
        return 1

    def _concern(self, idea: IdeaPlan, day: float, *, lively: bool) -> int:
        rng, lang = self.rng, idea.language
        theme, _solution, service, used = self._parts(idea)
        member = self._member(lang, avoid=(idea.author, idea.coauthor))
        root = self._say(
            idea, day, member, text.concern(rng, service, theme, lang, used), "concern"
        )
        if rng.random() < 0.45:
            answer = text.reply(rng, "concern", lang, used)
            self._say(idea, self._after(day), idea.author, answer, "answer", parent=root)
            return 2
        return 1

    def _officials(self, idea: IdeaPlan, *, watching: bool) -> None:
        """Staff and employees answer on Nimbus's behalf after most stage changes, and
        on lively ideas that wait for a decision."""
        rng, lang = self.rng, idea.language
        used = self.said.setdefault(idea, set())
        mood = {"declined": "bad news", "accepted": "good news", "delivered": "good news"}
        for i, (day, _stage, why) in enumerate(idea.steps):
            kind = AFTER_STEP.get(why)
            until = idea.steps[i + 1][0] if i + 1 < len(idea.steps) else LATEST
            if kind is None or until - day < 0.2 or rng.random() < 0.35:
                continue
            when = day + self.u(0.05, min(3.0, until - day - 0.1))
            speaker = self._speaker(lang, avoid=(idea.author,))
            body = text.official(rng, kind, lang, used, author=idea.author)
            self._say(idea, when, speaker, body, mood.get(kind, "official"), official=True)
        overdue = idea.where == "rain" and idea.star and not idea.steps
        if watching and not idea.steps and not overdue:
            start, end = self._window(idea)
            speaker = self._speaker(lang, avoid=(idea.author,))
            body = text.official(rng, "watching", lang, used)
            when = self.u(start + 0.6 * (end - start), end)
            self._say(idea, when, speaker, body, "official", official=True)

    def _brief(self, key: str, pairs: list[tuple[str, str]]) -> None:
        """Questions about a challenge's brief, each answered officially. The
        discussion opens with the challenge's first phase."""
        start = max(self.published[key], PHASES[key][0][1]) + 0.2
        end = min(LATEST, start + 20)
        for (asker, speaker), (question, reply) in zip(
            pairs, text.CHALLENGE_QUESTIONS[key], strict=True
        ):
            root = self._say(None, self.u(start, end), asker, question, "question", where=key)
            answer = self._say(
                None,
                self._after(root.day, 2),
                speaker,
                reply,
                "official",
                where=key,
                parent=root,
                official=True,
            )
            if self.rng.random() < 0.6:
                answer.accept_at = self._after(answer.day, 1.0)


# Replies that start by @mentioning someone in their thread (usually the person they
# answer), and the stage changes that authors post an update about.
MENTIONING = 0.08
NEWS_AFTER = {
    "under_review": "meeting",
    "accepted": "prototype",
    "in_progress": "samples",
    "delivered": "delivered",
    "declined": "declined",
}
DECIDED = {"accepted", "in_progress", "delivered"}
MILESTONES = {True: (10, 25, 50), False: (20, 30, 40)}  # with the ladder, without


def _mention_replies(rng: random.Random, comments: list[CommentPlan]) -> None:
    """Some replies name someone in their thread: the person they answer, or for a
    third voice joining in, sometimes whoever asked first."""
    for comment in comments:
        if comment.parent is None or rng.random() >= MENTIONING:
            continue
        named = comment.parent.author
        if comment.kind == "remark" and rng.random() < 0.5:
            named = comment.root.author
        if named != comment.author:
            comment.mention = named


@dataclass(eq=False)
class UpdatePlan:
    """One update posted by an idea's author or co-author. {handle} in the body
    becomes @ the handle of `mention`."""

    day: float
    idea: IdeaPlan
    author: str
    kind: str
    title: str
    body: str
    mention: str | None = None
    vote: str = ""  # a question update: "ab" (which version?) or "where" (how do you ride?)


class _Updates(_Discussions):
    """Decides, from its own seeded generator (ideas and discussions stay as they
    were), which ideas' authors post updates, LEGO Ideas style: the popular ideas and
    those the staff took up get one to three, about their home-made versions,
    questions to supporters, support milestones and what followed each decision.
    About half draw comments from supporters, some with official answers."""

    def __init__(self, rng: random.Random, planner: _Planner, talk: _Discussions) -> None:
        super().__init__(rng, planner, talk.published)
        self.said = talk.said  # what the ideas' discussions already said
        self.talk = talk
        self.updates: list[UpdatePlan] = []

    def plan(self, ideas: list[IdeaPlan]) -> list[CommentPlan]:
        """The updates (in self.updates) and the comments on them."""
        coauthored = [p for p in ideas if p.coauthor_at is not None and p.supports >= 9]
        for idea in ideas:
            stages = {stage for _day, stage, _why in idea.steps}
            if idea.resubmission_of is None and (
                idea.supports >= 20 or stages & (DECIDED | {"under_review"}) or idea in coauthored
            ):
                self._news(idea, decided=bool(stages & DECIDED))
        return self.comments

    def _news(self, idea: IdeaPlan, *, decided: bool) -> None:
        rng = self.rng
        first = idea.steps[0][0] if idea.steps else LATEST
        # (day, kind, milestone): after each decision first, then before any.
        after: list[tuple[float, str, int]] = []
        for i, (day, stage, _why) in enumerate(idea.steps):
            kind = NEWS_AFTER.get(stage)
            until = min(idea.steps[i + 1][0] if i + 1 < len(idea.steps) else LATEST, LATEST)
            if kind and until - day > 0.6 and (kind != "declined" or idea.supports >= 20):
                after.append((self.u(day + 0.3, until - 0.2), kind, 0))
        before: list[tuple[float, str, int]] = []
        start, end = idea.created + 0.8, min(first, LATEST) - 0.3
        if end - start >= 1:
            before += [(self.u(start, end), "progress", 0), (self.u(start, end), "question", 0)]
        ladder = idea.where in ("box", "rain")
        reached = [m for m in MILESTONES[ladder] if m <= len(idea.backers)]
        if reached:
            milestone = rng.choice(reached)
            day = idea.backers[milestone - 1][0] + self.u(0.1, 1.2)
            if day < LATEST - 0.1:
                before.append((day, "thanks", milestone))
        rng.shuffle(before)
        count = rng.choice((2, 3, 3)) if decided else rng.choice((1, 1, 2, 2, 3))
        chosen: list[tuple[float, str, int]] = []
        for option in sorted(after, key=lambda o: -o[0])[:count] + before:
            if len(chosen) < count and all(abs(option[0] - o[0]) >= 0.5 for o in chosen):
                chosen.append(option)
        for day, kind, milestone in sorted(chosen):
            self._update(idea, day, kind, milestone)

    def _update(self, idea: IdeaPlan, day: float, kind: str, milestone: int) -> None:
        rng, lang = self.rng, idea.language
        theme, solution, _service, used = self._parts(idea)
        coauthor = (
            idea.coauthor if idea.coauthor_at is not None and idea.coauthor_at < day else None
        )
        author = coauthor if coauthor and rng.random() < 0.4 else idea.author
        staff = rng.choice(DECIDERS[lang])
        mention, how = None, ""
        if author != idea.author:
            mention, how = idea.author, "author"
        elif coauthor and rng.random() < 0.6:
            mention, how = coauthor, "coauthor"
        elif kind == "meeting" and rng.random() < 0.4:
            mention, how = staff, "staff"
        elif rng.random() < 0.4:
            helpful = [
                c
                for c in self.talk.comments
                if c.idea is idea
                and c.day < day - 0.1
                and not c.official
                and c.author not in (idea.author, idea.coauthor)
                and c.kind in ("question", "suggestion", "concern", "agreement")
            ]
            if helpful:
                comment = rng.choice(helpful)
                # "... and this update is my answer" fits a progress report, not news.
                specific = kind in ("progress", "prototype") or comment.kind == "agreement"
                mention, how = comment.author, comment.kind if specific else "helper"
        twists: list[str] = []
        if kind == "question":
            spare = [t for t in solution.twists if t not in (idea.twist, idea.edit_twist)]
            if len(spare) >= 2 and rng.random() < 0.65:
                twists = rng.sample(spare, 2)
        steps = [m for m in MILESTONES[True] if m > milestone]
        title, body = text.update(
            rng,
            kind,
            theme_key=idea.theme,
            solution=solution,
            language=lang,
            used=used,
            mention=how,
            count=milestone or sum(d < day for d, _name in idea.backers),
            next_step=steps[0] if steps else 0,
            ladder=idea.where in ("box", "rain"),
            staff=staff,
            twists=twists,
            own_twist=idea.edit_twist or idea.twist,
            days=round(day - idea.created) if kind == "thanks" and day - idea.created > 1.5 else 0,
        )
        vote = ("ab" if twists else "where") if kind == "question" else ""
        update = UpdatePlan(day, idea, author, kind, title, body, mention, vote)
        self.updates.append(update)
        if rng.random() < (0.7 if kind in ("question", "delivered", "prototype") else 0.4):
            self._update_talk(update, theme, text.nature(idea.theme, solution), used)

    def _backer(self, idea: IdeaPlan, day: float, avoid: Sequence[str | None]) -> str:
        """A member who supported the idea by `day` (in its language), or any member."""
        pool = [
            name
            for supported, name in idea.backers
            if supported < day and name in self.talkers[idea.language] and name not in avoid
        ]
        if not pool:
            return self._member(idea.language, avoid)
        return self.rng.choices(pool, [self.weight[n] for n in pool])[0]

    def _update_talk(self, news: UpdatePlan, theme: text.Theme, what: str, used: set[str]) -> None:
        """One to four comments: supporters react, vote or ask; the author replies (now
        and then naming whom they answer) and the staff answer what is theirs to answer."""
        rng, idea, lang = self.rng, news.idea, news.idea.language
        budget, spent = rng.randint(1, 4), 0
        spoke: list[str | None] = [idea.author, idea.coauthor]
        while spent < budget:
            day = self._after(news.day, 2.5)
            member = self._backer(idea, day, spoke)
            spoke.append(member)
            if news.vote:
                body = text.vote(rng, theme, lang, used, where=news.vote == "where")
                root = self._say(idea, day, member, body, "suggestion", update=news)
                reply = text.vote_reply(rng, lang, used) if rng.random() < 0.4 else ""
                official = ""
            else:
                body, reply, official = text.update_comment(rng, news.kind, what, lang, used)
                kind = "question" if body.endswith(("?", "？")) else "agreement"
                root = self._say(idea, day, member, body, kind, update=news)
            spent += 1
            if reply and spent < budget and rng.random() < 0.8:
                answer = self._say(
                    idea,
                    self._after(root.day, 1),
                    news.author,
                    reply,
                    "answer",
                    parent=root,
                    update=news,
                )
                answer.mention = member if rng.random() < 0.35 else None
                spent += 1
            if official and spent < budget and rng.random() < 0.85:
                speaker = self._speaker(lang, avoid=(idea.author, news.author))
                self._say(
                    idea,
                    self._after(root.day, 2),
                    speaker,
                    official,
                    "official",
                    parent=root,
                    official=True,
                    update=news,
                )
                spent += 1


T = TypeVar("T")
# Where each person stands in the conversations (text.CAMPS), mostly from their bio.
CAMP_OF: dict[str, str] = {
    **dict.fromkeys(
        [
            "陈思远",
            "Tobias Reinholt",
            "赵雨桐",
            "Samuel Okafor",
            "Leo Marchetti",
            "张可欣",
            "Fatima Zahra Idrissi",
            "郑凯",
            "Marcus Lindgren",
            "Daniel Weiss",
            "谢婉婷",
            "韩磊",
            "Sofia Kowalska",
            "冯晨",
            "曹宇",
            "Hannah Becker",
            "蒋涛",
            "Ravi Shankar",
            "许诺",
            "马丽娜",
            "Arjun Mehta",
        ],
        "tech",
    ),
    **dict.fromkeys(
        [
            "王浩然",
            "Jonas Eberle",
            "Camille Ferraud",
            "孙立",
            "黄子轩",
            "Owen Gallagher",
            "Henrik Solberg",
            "林若曦",
            "何志强",
            "罗斌",
            "Yusuf Demir",
            "Emil Andersen",
            "彭静",
            "沈悦",
            "丁浩",
            "Mateo Rossi",
            "Kwame Mensah",
            "范琳",
            "Elena Vasquez",
            "Niels de Vries",
        ],
        "simple",
    ),
    **dict.fromkeys(
        [
            "Mara Lindqvist",
            "李晓雯",
            "Priya Raman",
            "周敏",
            "Greta Holm",
            "刘建国",
            "Aiko Tanabe",
            "Nadia Petrova",
            "吴佳怡",
            "Ana Ribeiro",
            "高雅",
            "Ines Castillo",
            "邓美玲",
            "Lucía Moreno",
            "Tom Whitaker",
            "Chloé Martin",
            "Olivia Brennan",
            "唐亮",
            "宋杰",
        ],
        "family",
    ),
}
CJK = re.compile(r"[\u4e00-\u9fff]")
# How much more an idea's supporters agree with it in a conversation (its authors: 3).
BACKER_BONUS = 1.0


@dataclass(eq=False)
class TalkPlan:
    """One conversation in the story: who opens it and when (days from now), who
    moderates it, the members' statements, and the visits of its voters."""

    key: str  # "bike" (the community's), "rain" (in Chinese, on the challenge), "night"
    day: float
    creator: str
    moderators: tuple[str, ...]
    moderation: str
    said: list[text.Said]
    visits: list[tuple[float, str]] = field(default_factory=list)  # (day, voter)


class _Talks:
    """Plans the conversations from its own seeded generator (the rest of the story
    stays as it was): who votes and when (early more often; a third come back later
    for the statements added since), and how each person leans - their camp, for some
    partly another one, held more or less firmly. At run time `opinion` turns a
    statement's stance into that person's vote, with some noise."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.language = {name: language for name, _bio, language in PEOPLE}
        self.names = [name for name, _bio, _language in PEOPLE]
        self.lean: dict[str, tuple[float, ...]] = {}
        for name in self.names:
            weights = dict.fromkeys(text.CAMPS, 0.0)
            weights[CAMP_OF[name]] = 1.0
            if rng.random() < 0.3:
                other = rng.choice([c for c in text.CAMPS if c != CAMP_OF[name]])
                weights[other] = rng.uniform(0.2, 0.5)
            firmness = rng.uniform(0.7, 1.3) / sum(weights.values())
            self.lean[name] = tuple(firmness * weights[camp] for camp in text.CAMPS)

    def plan(self) -> list[TalkPlan]:
        rng = self.rng
        chinese = [n for n in self.names if self.language[n] == "zh-hans"]
        talks = [
            # (plan, who may take part, the share of them who do)
            (
                TalkPlan(
                    "bike",
                    -24.0,
                    "Mara Lindqvist",
                    ("Priya Raman", "Jonas Eberle"),
                    "pre",
                    text.NEXT_BIKE_SAID,
                ),
                self.names,
                0.6,
            ),
            (
                TalkPlan("rain", -16.0, "陈思远", ("王浩然",), "post", text.RAIN_TALK_SAID),
                chinese,
                0.8,
            ),
            (
                TalkPlan(
                    "night",
                    -16.8,
                    "Tobias Reinholt",
                    ("Jonas Eberle",),
                    "post",
                    text.NIGHT_TALK_SAID,
                ),
                self.names,
                0.55,
            ),
        ]
        for talk, people, share in talks:
            authors = {said.author: said.day for said in talk.said}
            end = LATEST - 0.05
            for name in people:
                if name == talk.creator or (name not in authors and rng.random() > share):
                    continue
                start = authors.get(name, talk.day) + 0.05  # authors vote after writing
                first = start + (end - start) * rng.random() ** 1.8
                talk.visits.append((first, name))
                if end - first > 1.5 and rng.random() < 0.35:
                    talk.visits.append((self.u(first + 1, end), name))
        return [talk for talk, _people, _share in talks]

    def u(self, low: float, high: float) -> float:
        return self.rng.uniform(low, high)

    def opinion(self, name: str, stance: Sequence[float], bonus: float = 0.0) -> int:
        """Agree (1), disagree (-1) or pass (0): the stance weighed by how the person
        leans, plus noise."""
        lean = self.lean[name]
        score = sum(w * s for w, s in zip(lean, stance, strict=True)) + bonus
        score += self.rng.gauss(0, 0.85)
        return 1 if score > 0.5 else -1 if score < -0.5 else 0

    def pick(self, fresh: list[T], passed: list[T], *, returning: bool) -> list[T]:
        """What a visit votes on: on a first visit some of what is open (at least 8,
        enough to be placed in a group), later everything added since and now and then
        an earlier pass again, to agree or disagree after all."""
        if not returning:
            return self.rng.sample(
                fresh, min(len(fresh), max(8, round(len(fresh) * self.u(0.45, 0.85))))
            )
        if passed and self.rng.random() < 0.3:
            return [*fresh, self.rng.choice(passed)]
        return fresh

    def reads(self, name: str, body: str) -> bool:
        """English-speaking members skip statements in Chinese (the Chinese speakers
        read both)."""
        return self.language[name] != "en" or not CJK.search(body)


class Command(BaseCommand):
    help = "Load the bilingual demo community (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="only load when the database has no community at all",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Community.objects.exists():
            self.stdout.write("The database already has communities; demo not loaded.")
            return
        if Community.objects.filter(slug=SLUG).exists():
            self.stdout.write("The demo is already loaded.")
            return
        self.now = timezone.now()
        self.skipped = 0
        with transaction.atomic():
            clock = _Clock(self.now - timedelta(days=150))
            with clock.running():
                self._load(clock)
        if self.skipped:
            self.stdout.write(f"({self.skipped} planned supports were refused and skipped.)")
        votes = Vote.objects.filter(conversation__in=self.talks.values()).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: http://127.0.0.1:8000/c/{SLUG}/ - 60 members, 3 challenges, "
                f"{sum(IDEAS.values())} ideas, {len(self.news)} updates, {len(self.posted)} "
                f"comments and {len(self.talks)} conversations with {votes} votes. "
                f"Sign in as {_email(0)} (owner), "
                f"admin@nimbus-demo.example (site staff) or {_email(20)} (member) with the "
                f"password {DEMO_PASSWORD}"
            )
        )

    # --- the story -----------------------------------------------------------------------

    def _at(self, day: float, action: Callable[[], Any]) -> None:
        self.ops.append((day, len(self.ops), action))

    def _day(self, day: float) -> datetime:
        return self.now + timedelta(days=day)

    def _user(
        self, email: str, name: str, bio: str, language: str, password: str, **extra: Any
    ) -> User:
        moment = timezone.now()
        handle = HANDLES.get(name, "")
        if handle and handles.taken(handle):
            handle = ""  # someone outside the demo has it: the site picks another
        user, _created = User.objects.get_or_create(
            email=email,
            defaults={
                "display_name": name,
                "handle": handle,
                "bio": bio,
                "language": language,
                "password": password,
                "date_joined": moment,
                "email_confirmed_at": moment,
                "languages": ["English"] if language == "en" else ["中文", "English"],
                **extra,
            },
        )
        return user

    def _load(self, clock: _Clock) -> None:
        self.ops: list[tuple[float, int, Callable[[], Any]]] = []
        self._found()
        self._challenges()
        self._ideas()
        self._discussions()
        self._updates()
        self._conversations()
        last_tick: datetime | None = None
        for day, _seq, action in sorted(self.ops, key=lambda op: (op[0], op[1])):
            moment = self._day(day)
            clock.set(moment)
            # The scheduled jobs, as the worker runs them (here every six hours of story).
            if last_tick is None or moment - last_tick >= timedelta(hours=6):
                idea_actions.expire_overdue(now=moment)
                idea_actions.open_due_reviews(now=moment)
                last_tick = moment
            action()
        clock.set(self.now)
        idea_actions.expire_overdue(now=self.now)
        idea_actions.open_due_reviews(now=self.now)
        self._compute_talks()

    def _found(self) -> None:
        """Day -150: the site admin creates Nimbus Riders and hands it to its owner;
        members arrive through applications."""
        # One hash for every demo account: hashing 60 passwords would take a minute.
        password = make_password(DEMO_PASSWORD)
        self.password = password
        admin = self._user(
            "admin@nimbus-demo.example",
            "Site admin",
            "Runs this cocreate site.",
            "en",
            password,
            is_staff=True,
        )
        people = [
            self._user(_email(i), name, bio, lang, password)
            for i, (name, bio, lang) in enumerate(PEOPLE)
        ]
        self.people = {person.display_name: person for person in people}
        owner = people[0]
        self.owner = owner

        community = actions.create_community(
            admin,
            name="Nimbus Riders · 云朵骑士会",
            slug=SLUG,
            description=(
                "The community of Nimbus Bikes riders: shape the next city bike with "
                "us. 云朵单车骑行者社区：和我们一起设计下一辆城市自行车。"
            ),
            join_policy="application",
            application_questions=QUESTIONS,
            mission=MISSION,
            values=VALUES,
            rules=RULES,
        )
        self.community = community
        # The site admin hands the community to its owner, then steps back.
        handover = actions.create_invitation(admin, community, note="Community owner")
        actions.change_role(admin, actions.accept_invitation(owner, handover.code), Role.OWNER)
        actions.leave(admin, community)

        # Members arrive through applications that the staff accept.
        for person in people[1:]:
            application = actions.apply(
                person,
                community,
                answers=["Most days. 几乎每天。", "Ideas and feedback. 点子和反馈。"],
            )
            actions.decide_application(
                owner, application, accept=True, message="Welcome! 欢迎加入！"
            )
        for person, role in zip(people[1:], ROLES, strict=False):
            membership = Membership.objects.get(community=community, user=person)
            actions.change_role(owner, membership, role)
        for person in people:
            forget_roles(person)  # memoised during the applications

        staff = people[1]
        commuters = actions.create_circle(
            staff,
            community,
            name="Commuters · 通勤族",
            slug="nimbus-commuters",
            description="Rain, rush hour and range: riding to work every day. 每天骑车上班的人。",
        )
        cargo = actions.create_circle(
            staff,
            community,
            name="Cargo & Family · 载物与亲子",
            slug="nimbus-cargo",
            description="Kids, groceries and cargo bikes. 带娃、买菜和载物自行车。",
        )
        for index, person in enumerate(people[15:]):
            actions.join(person, commuters if index % 3 else cargo)
            if index % 5 == 0:
                actions.join(person, cargo if index % 3 else commuters)

        self._at(
            -120,
            lambda: actions.edit_charter(
                owner,
                community,
                mission=MISSION,
                values=VALUES,
                rules=RULES_V2,
                summary="Add the prototype tester rule / 增加原型测试者规则",
            ),
        )
        self._at(-12, lambda: self._insiders(admin, people))
        self._at(
            -6,
            lambda: actions.propose_circle(
                people[20],
                community,
                name="Night Riders · 夜骑队",
                slug="nimbus-night-riders",
                description="Lights, visibility and safe routes after dark. 夜间骑行的灯光与安全。",
            ),
        )
        for i, applicant in enumerate(APPLICANTS):
            self._at(-3 + i * 0.4, lambda i=i, applicant=applicant: self._applicant(i, *applicant))

    def _applicant(self, i: int, name: str, bio: str, lang: str, answers: list[str]) -> None:
        person = self._user(f"applicant{i}@nimbus-demo.example", name, bio, lang, self.password)
        actions.apply(person, self.community, answers=answers)

    def _insiders(self, admin: User, people: list[User]) -> None:
        insiders = actions.create_community(
            admin,
            name="Nimbus Insiders · 云朵内测团",
            slug="nimbus-insiders",
            description="Private prototype testing group. 私密的原型测试小组。",
            visibility="private",
            join_policy="invitation",
            seat_limit=25,
            mission="Test prototypes early and report honestly. 提前试用原型，如实反馈。",
        )
        actions.create_invitation(
            admin,
            insiders,
            expires_in_days=30,
            max_uses=10,
            note="Spring prototype round / 春季原型测试",
        )
        for person in people[15:20]:
            invitation = actions.create_invitation(admin, insiders, expires_in_days=7, max_uses=1)
            actions.accept_invitation(person, invitation.code)

    def _challenges(self) -> None:
        owner, community, people = self.owner, self.community, self.people
        self.boards: dict[str, Challenge] = {}
        self._board("box", challenge_actions.idea_box(community).pk)

        def windows(pairs: Sequence[tuple[float, float]]) -> list[dict[str, datetime]]:
            return [{"cutoff_at": self._day(a), "review_at": self._day(b)} for a, b in pairs]

        def setup() -> None:
            idea_actions.set_ladder(owner, community, LADDER)
            challenge_actions.set_review_windows(owner, self.boards["box"], windows(BOX_WINDOWS))

        self._at(-148, setup)
        briefs = {
            "rain": (text.RAIN_CHALLENGE, "陈思远", -21),
            "cargo": (text.CARGO_CHALLENGE, "李晓雯", -58),
            "night": (text.NIGHT_CHALLENGE, "Tobias Reinholt", -84),
        }
        settings: dict[str, dict[str, Any]] = {
            "rain": {"response_days": 5},
            "cargo": {"uses_ladder": False, "supporter_questions": text.CARGO_QUESTIONS},
            "night": {"uses_ladder": False},
        }
        jury = {
            "rain": [
                ("陈思远", "Product manager, commuter line · 通勤系列产品经理"),
                ("Tobias Reinholt", "Frame engineer · 车架工程师"),
                ("张可欣", "Rider representative · 骑手代表"),
            ],
            "cargo": [
                ("赵雨桐", "Industrial designer · 工业设计师"),
                ("Greta Holm", "Cargo-bike rental partner · 载物车租赁伙伴"),
                ("Nadia Petrova", "Parent rider · 家长骑手"),
            ],
            "night": [
                ("Samuel Okafor", "Electrical engineer · 电气工程师"),
                ("谢婉婷", "Night-safety advocate · 夜骑安全倡导者"),
                ("Fatima Zahra Idrissi", "Night-shift rider · 夜班骑手"),
            ],
        }
        prizes: dict[str, list[dict[str, Any]]] = {
            "rain": text.RAIN_PRIZES,
            "cargo": text.CARGO_PRIZES,
            "night": text.NIGHT_PRIZES,
        }
        terms: dict[str, dict[str, Any]] = {
            "rain": {"usage": text.RAIN_TERMS},
            "cargo": {"usage": text.CARGO_TERMS, "ip_owner": "shared"},
            "night": {"usage": text.NIGHT_TERMS, "ip_owner": "organisation", "minimum_age": 14},
        }

        def create(key: str) -> None:
            brief, lead_name, _day = briefs[key]
            lead = people[lead_name]
            challenge = challenge_actions.create_challenge(
                lead, community, owner_id=lead.pk, **brief, **settings[key]
            )
            challenge_actions.set_phases(
                lead,
                challenge,
                [
                    {
                        "kind": kind,
                        "starts_at": self._day(start),
                        "ends_at": None if end is None else self._day(end),
                    }
                    for kind, start, end in PHASES[key]
                ],
            )
            challenge_actions.set_jury(
                lead,
                challenge,
                [{"user_id": people[name].pk, "role": role} for name, role in jury[key]],
            )
            challenge_actions.set_prizes(lead, challenge, prizes[key])
            challenge_actions.publish_terms(lead, challenge, **terms[key])
            if key == "rain":
                challenge_actions.set_review_windows(lead, challenge, windows(RAIN_WINDOWS))
            self._board(key, challenge.pk)

        def publish(key: str, lead: User) -> None:
            challenge_actions.publish_challenge(lead, self.boards[key])
            self._board(key, self.boards[key].pk)

        self.published: dict[str, float] = {}
        for key, (_brief, lead_name, day) in briefs.items():
            self._at(day, lambda key=key: create(key))
            self._at(day + 2, lambda key=key, lead=people[lead_name]: publish(key, lead))
            self.published[key] = day + 2
        self._at(
            -8,
            lambda: challenge_actions.publish_terms(
                people["陈思远"], self.boards["rain"], usage=text.RAIN_TERMS_V2
            ),
        )

    def _board(self, key: str, pk: int) -> None:
        """Keep one copy of each challenge, with its phases loaded once: every idea
        action checks the phase, and the phases do not change during the story."""
        self.boards[key] = (
            Challenge.objects.select_related("community").prefetch_related("phases").get(pk=pk)
        )

    def _idea(self, plan: IdeaPlan) -> Idea:
        idea = self.ideas[plan.key]
        idea.challenge = self.boards[plan.where]  # actions reload the idea, dropping it
        return idea

    def _ideas(self) -> None:
        planner = _Planner(random.Random(SEED))
        self.planner = planner
        rng = planner.rng
        self.ideas: dict[int, Idea] = {}
        for plan in planner.plan():
            self._at(plan.created, lambda plan=plan: self._submit(plan))
            if plan.coauthor:
                coauthor = self.people[plan.coauthor]
                self._at(
                    plan.created + 0.03,
                    lambda plan=plan, coauthor=coauthor: idea_actions.invite_coauthor(
                        self.people[plan.author], self._idea(plan), coauthor
                    ),
                )
                if plan.coauthor_accepts:
                    plan.coauthor_at = max(
                        plan.created + 0.04,
                        min(plan.created + planner.u(0.1, 1), plan.support_end),
                    )
                    self._at(
                        plan.coauthor_at,
                        lambda plan=plan, coauthor=coauthor: idea_actions.answer_coauthorship(
                            coauthor, self._idea(plan), accept=True
                        ),
                    )
            if plan.edit_at is not None:
                updates = text.UPDATES if plan.language == "en" else text.ZH_UPDATES
                update = rng.choice(updates)
                self._at(plan.edit_at, lambda plan=plan, update=update: self._edit(plan, update))
            plan.backers = planner.supporters(plan)
            for day, name in plan.backers:
                answers = planner.answers() if plan.where == "cargo" else {}
                self._at(
                    day,
                    lambda plan=plan, name=name, answers=answers: self._support(
                        plan, name, answers
                    ),
                )
            for day, stage, why in plan.steps:
                decider = self.people[rng.choice(DECIDERS[plan.language])]
                reason = self._reason(rng, plan, why, planner.ideas)
                self._at(
                    day,
                    lambda plan=plan, decider=decider, stage=stage, reason=reason: (
                        idea_actions.change_stage(
                            decider,
                            self._idea(plan),
                            stage=stage,
                            reason=reason,
                            conversation=self._evidence(plan, stage),
                        )
                    ),
                )

    def _reason(self, rng: random.Random, plan: IdeaPlan, why: str, ideas: list[IdeaPlan]) -> str:
        if why == "duplicate":
            earlier = [
                p
                for p in ideas
                if p.where == plan.where
                and p.created < plan.created
                and p.supports > plan.supports
                and not p.steps
            ]
            same = [p for p in earlier if p.theme == plan.theme and p.solution == plan.solution]
            if not (same or earlier):
                return text.reason(rng, "archived", plan.language)
            other = rng.choice(same or earlier)
            return text.reason(rng, "duplicate", plan.language, other=other.title)
        return text.reason(rng, why, plan.language, author=plan.author)

    def _submit(self, plan: IdeaPlan) -> None:
        original = None
        if plan.resubmission_of is not None:
            original = self.ideas[plan.resubmission_of.key]
            original.refresh_from_db()  # expired by the scheduled job since
        self.ideas[plan.key] = idea_actions.submit_idea(
            self.people[plan.author],
            self.boards[plan.where],
            title=plan.title,
            body=plan.body,
            tags=plan.tags,
            language=plan.language,
            accept_terms=True,
            parent=self.ideas[plan.parent.key] if plan.parent else None,
            resubmission_of=original,
        )

    def _edit(self, plan: IdeaPlan, update: str) -> None:
        idea = self._idea(plan)
        idea_actions.edit_idea(
            self.people[plan.author],
            idea,
            title=plan.edit_title or None,
            body=f"{idea.body}\n\n{update}",
        )

    def _support(self, plan: IdeaPlan, name: str, answers: dict[str, str]) -> None:
        try:
            idea_actions.support(self.people[name], self._idea(plan), answers=answers)
        except ActionError:
            self.skipped += 1

    # --- discussions -------------------------------------------------------------------

    def _discussions(self) -> None:
        talk = _Discussions(random.Random(SEED + 1), self.planner, self.published)
        self.posted: dict[CommentPlan, Comment] = {}
        comments = talk.plan(self.planner.ideas)
        _mention_replies(random.Random(SEED + 3), comments)
        self._schedule(comments)
        self.talk = talk

    def _updates(self) -> None:
        news = _Updates(random.Random(SEED + 2), self.planner, self.talk)
        self.newsroom = news
        self.news: dict[UpdatePlan, IdeaUpdate] = {}
        comments = news.plan(self.planner.ideas)
        for update in news.updates:
            self._at(update.day, lambda update=update: self._post_update(update))
        self._schedule(comments)

    def _post_update(self, plan: UpdatePlan) -> None:
        """Post it, unless the rules refuse by now (as for comments)."""
        idea = self._idea(plan.idea)
        idea.refresh_from_db(fields=["stage"])
        idea.__dict__.pop("_cocreate_authors", None)  # memoised before the co-author accepted
        author = self.people[plan.author]
        if not can(author, "update.post", idea):
            return
        body = plan.body
        if plan.mention:
            body = body.replace("{handle}", f"@{self.people[plan.mention].handle}")
        self.news[plan] = idea_updates.post_update(author, idea, title=plan.title, body=body)

    def _schedule(self, comments: list[CommentPlan]) -> None:
        for comment in comments:
            self._at(comment.day, lambda comment=comment: self._comment(comment))
            if comment.accept_at is not None:
                self._at(comment.accept_at, lambda comment=comment: self._accept(comment))
            for day, name, kind in comment.reactions:
                self._at(
                    day,
                    lambda comment=comment, name=name, kind=kind: self._react(comment, name, kind),
                )

    def _target(self, comment: CommentPlan) -> Idea | Challenge | IdeaUpdate:
        if comment.idea is None:
            return self.boards[comment.where]
        idea = self._idea(comment.idea)
        idea.refresh_from_db(fields=["stage"])  # the scheduled job may have expired it
        if comment.update is not None:
            update = self.news[comment.update]
            update.idea = idea
            return update
        return idea

    def _comment(self, plan: CommentPlan) -> None:
        """Post it, unless its discussion is closed by now (an expired idea) or the
        comment it answers was not posted: the rules decide, as on the site."""
        parent = None
        if plan.parent is not None:
            parent = self.posted.get(plan.parent)
            if parent is None:
                return
        if plan.update is not None and plan.update not in self.news:
            return
        author, target = self.people[plan.author], self._target(plan)
        if not can(author, "comment.post", target):
            return
        body = plan.body
        if plan.mention:
            body = f"@{self.people[plan.mention].handle} {body}"
        self.posted[plan] = dialogue_actions.post_comment(
            author, target, body=body, parent=parent, official=plan.official
        )

    def _react(self, plan: CommentPlan, name: str, kind: str) -> None:
        comment = self.posted.get(plan)
        if comment is None:
            return
        self._target(plan)  # a fresh stage, on the idea the comment holds
        person = self.people[name]
        if can(person, "comment.react", comment):
            dialogue_actions.react(person, comment, kind)

    def _accept(self, plan: CommentPlan) -> None:
        comment = self.posted.get(plan)
        asker = self.people[plan.root.author]
        if comment is not None and can(asker, "comment.accept", comment):
            dialogue_actions.accept_answer(asker, comment)

    # --- conversations -----------------------------------------------------------------

    def _conversations(self) -> None:
        """Three conversations: the community's question about the next bike (members'
        statements moderated before they show), one in Chinese on the rain challenge,
        and the night challenge's shortlist turned into statements. Members vote on
        them over the last weeks."""
        talks = _Talks(random.Random(SEED + 4))
        self.talker = talks
        self.talks: dict[str, Conversation] = {}
        self.stances: dict[int, tuple[Sequence[float], IdeaPlan | None]] = {}
        self.ballots: dict[tuple[str, str], dict[int, int]] = {}  # (talk, voter) -> votes
        self.said: dict[text.Said, Statement] = {}
        for plan in talks.plan():
            self._at(plan.day, lambda plan=plan: self._open_talk(plan))
            for said in plan.said:
                self._at(said.day, lambda plan=plan, said=said: self._say(plan, said))
                if said.fate in ("rejected", "meta") or (
                    said.fate == "accepted" and plan.moderation == "pre"
                ):
                    moderator = talks.rng.choice(plan.moderators)
                    self._at(
                        said.day + talks.u(0.1, 0.7),
                        lambda said=said, moderator=moderator: self._moderate(said, moderator),
                    )
            for day, name in plan.visits:
                self._at(day, lambda plan=plan, name=name: self._visit(plan, name))

    def _open_talk(self, plan: TalkPlan) -> None:
        creator = self.people[plan.creator]
        if plan.key == "night":
            talk = consensus_actions.statements_from_ideas(
                creator, self.boards["night"], count=10, title=text.NIGHT_TALK_TITLE
            )
            talk.challenge = self.boards["night"]
            by_idea = {self.ideas[p.key].pk: p for p in self.planner.ideas if p.key in self.ideas}
            for statement in Statement.objects.filter(conversation=talk):
                idea = by_idea[statement.idea_id or 0]
                solution = text.THEMES[idea.theme].solutions[idea.solution].en
                style = text.NIGHT_STYLES.get(solution, "both")
                self.stances[statement.pk] = (text.NIGHT_STANCES[style], idea)
        else:
            words, statements = {
                "bike": (text.NEXT_BIKE, text.NEXT_BIKE_STATEMENTS),
                "rain": (text.RAIN_TALK, text.RAIN_TALK_STATEMENTS),
            }[plan.key]
            talk = consensus_actions.create_conversation(
                creator,
                self.community,
                title=words["title"],
                description=words["description"],
                moderation=plan.moderation,
                statements=[body for body, _stance in statements],
                challenge=self.boards["rain"] if plan.key == "rain" else None,
            )
            stance = dict(statements)
            for statement in Statement.objects.filter(conversation=talk):
                self.stances[statement.pk] = (stance[statement.body], None)
        self.talks[plan.key] = talk

    def _say(self, plan: TalkPlan, said: text.Said) -> None:
        talk = self.talks[plan.key]
        statement = consensus_actions.add_statement(self.people[said.author], talk, body=said.text)
        statement.conversation = talk
        self.said[said] = statement
        self.stances[statement.pk] = (said.stance, None)

    def _moderate(self, said: text.Said, moderator: str) -> None:
        statement = self.said[said]
        if said.fate == "meta":
            consensus_actions.moderate_statement(
                self.people[moderator], statement, status="accepted", is_meta=True
            )
        else:
            consensus_actions.moderate_statement(
                self.people[moderator], statement, status=said.fate
            )

    def _visit(self, plan: TalkPlan, name: str) -> None:
        """One visit of a voter: on a first visit they vote on most of what is open,
        later on everything added since, and now and then change an earlier pass."""
        talks = self.talker
        talk, person = self.talks[plan.key], self.people[name]
        ballot = self.ballots.setdefault((plan.key, name), {})
        returning = bool(ballot)
        statements = list(
            Statement.objects.filter(conversation=talk, status=StatementStatus.ACCEPTED)
        )
        fresh = [s for s in statements if s.pk not in ballot and talks.reads(name, s.body)]
        passed = [s for s in statements if ballot.get(s.pk) == 0]
        for statement in talks.pick(fresh, passed, returning=returning):
            statement.conversation = talk
            stance, idea = self.stances[statement.pk]
            bonus = 0.0
            if idea is not None:  # an idea's author backs it; its supporters mostly do
                if name in (idea.author, idea.coauthor):
                    bonus = 3.0
                elif any(backer == name for _day, backer in idea.backers):
                    bonus = BACKER_BONUS
            value = 1 if statement.author_id == person.pk else talks.opinion(name, stance, bonus)
            consensus_actions.vote(person, statement, value)
            ballot[statement.pk] = value

    def _evidence(self, plan: IdeaPlan, stage: str) -> Conversation | None:
        """The night shortlist's conversation, for the jury's later decisions on the
        ideas in it: the decision links its report."""
        talk = getattr(self, "talks", {}).get("night")
        if talk is None or plan.where != "night" or stage not in DECIDED | {"declined"}:
            return None
        idea = self.ideas[plan.key]
        return talk if Statement.objects.filter(conversation=talk, idea=idea).exists() else None

    def _compute_talks(self) -> None:
        """Compute each conversation's groups and report now, as the task worker
        would a few seconds after the votes."""
        for talk in self.talks.values():
            consensus_compute.recompute(talk.pk)
