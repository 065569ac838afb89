"""Who may do what, in which phase of a workshop: the one table every permission check reads.

A cell says whether someone holding a role may take an action while the workshop is in a phase.
Someone holding several roles (an elected official who worked in a group) may do what any of
their roles allows. The apps' `permissions.py` work out the caller's roles and the workshop's
phase (`rebours.workshops.permissions`) and ask `allows()`; what a table cannot say (a note is
the caller's own, joining is open, the selection's colleges) they check beside it, and the
`condition` of each rule says so in words. docs/security.md shows the table, rendered by
`markdown()` (a test keeps the two equal).

Pure Python: no Django here, so the table reads and tests as plain data.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ANONYMOUS = "anonymous"  # a visitor: nobody in this workshop, signed in or not
    PUBLIC = "public"  # a member of the public who became a voter (session-bound)
    PARTICIPANT = "participant"  # takes part in the workshop, not in this group
    MEMBER = "member"  # a member of the theme's group
    DESIGNER = "designer"  # the group's designer
    FACILITATOR = "facilitator"  # the group's facilitator (of any group, outside a theme)
    ELECTED = "elected"  # an elected official
    ORGANISER = "organiser"  # an account linked to an organiser of the workshop
    STAFF = "staff"  # a staff account: organises every workshop, is nobody in it


class Phase(StrEnum):
    PREPARATION = "preparation"  # the live day has not started
    LIVE_DIVERGE = "live_diverge"  # the day runs, groups diverge (post, dot, sort)
    LIVE_CONVERGE = "live_converge"  # the day runs, groups shape their proposals
    REVIEW = "review"  # the day is over: organisers review
    SELECTION_OPEN = "selection_open"  # the vote is open
    SELECTION_CLOSED = "selection_closed"  # the vote is over (or was imported)


class Action(StrEnum):
    READ_PUBLISHED = "read_published"
    READ_UNPUBLISHED = "read_unpublished"
    JOIN = "join"
    READ_BOARD = "read_board"
    POST_NOTE = "post_note"
    EDIT_OWN_NOTE = "edit_own_note"
    EDIT_ANY_NOTE = "edit_any_note"
    DOT = "dot"
    SORT = "sort"
    MAKE_DRAFT = "make_draft"
    ADD_PROPOSAL = "add_proposal"
    EDIT_PROPOSAL = "edit_proposal"
    UPLOAD_IMAGE = "upload_image"
    READ_HISTORY = "read_history"
    RESTORE_VERSION = "restore_version"
    REVIEW = "review"
    WRITE_OPINION = "write_opinion"
    MERGE_DUPLICATES = "merge_duplicates"
    OPEN_SELECTION = "open_selection"
    CLOSE_SELECTION = "close_selection"
    BECOME_PUBLIC_VOTER = "become_public_voter"
    VOTE = "vote"
    NAME_FAVOURITES = "name_favourites"
    SEE_RESULTS = "see_results"
    PUBLISH_BOOKLET = "publish_booklet"
    EXPORT = "export"
    RUN_CONSOLE = "run_console"
    ORGANISE_DAY = "organise_day"
    REMOVE_PARTICIPANT = "remove_participant"
    CREATE_API_TOKENS = "create_api_tokens"
    READ_AUDIT = "read_audit"
    PURGE_CONTACTS = "purge_contacts"
    REGISTER_VOLUNTEER = "register_volunteer"
    MANAGE_RECRUITMENT = "manage_recruitment"


ALWAYS = frozenset(Phase)
# Boards are written from the moment people join until the day ends; afterwards they are the
# record of the day, which only moderators still touch.
DAY = frozenset({Phase.PREPARATION, Phase.LIVE_DIVERGE, Phase.LIVE_CONVERGE})
VOTING = frozenset({Phase.SELECTION_OPEN})
# While the vote is open, the set of proposals and their texts stay as the voters read them.
NOT_VOTING = ALWAYS - VOTING

GROUP = (Role.MEMBER, Role.DESIGNER, Role.FACILITATOR)
ORGANISERS = (Role.ORGANISER, Role.STAFF)
VOTERS = (Role.PUBLIC, Role.PARTICIPANT, Role.MEMBER, Role.DESIGNER, Role.FACILITATOR, Role.ELECTED)


def _grant(*grants: tuple[Iterable[Role], frozenset[Phase]]) -> dict[Role, frozenset[Phase]]:
    table: dict[Role, frozenset[Phase]] = {}
    for roles, phases in grants:
        for role in roles:
            table[role] = table.get(role, frozenset()) | phases
    return table


@dataclass(frozen=True)
class Rule:
    action: Action
    what: str  # what the action covers, in the words of the pages
    allowed: Mapping[Role, frozenset[Phase]] = field(default_factory=dict)
    condition: str = ""  # what the permission function checks beside the table

    def phases_for(self, role: Role) -> frozenset[Phase]:
        return self.allowed.get(role, frozenset())


RULES: tuple[Rule, ...] = (
    Rule(
        Action.READ_PUBLISHED,
        "read a published workshop: its pages, proposals, mosaic, booklet, search, the API",
        _grant((Role, ALWAYS)),
    ),
    Rule(
        Action.READ_UNPUBLISHED,
        "read a workshop that is not published",
        _grant(([r for r in Role if r != Role.ANONYMOUS], ALWAYS)),
    ),
    Rule(
        Action.JOIN,
        "join as a participant with the link or QR code",
        _grant(((Role.ANONYMOUS, Role.STAFF), DAY)),
        "while joining is open; people already in the workshop are sent to their place instead",
    ),
    Rule(
        Action.READ_BOARD,
        "follow a group's board",
        _grant(((*GROUP, *ORGANISERS), ALWAYS)),
        "the wall (the projector's link) and the other groups' facilitators read it too",
    ),
    Rule(
        Action.POST_NOTE,
        "post a note on the group's board",
        _grant(((*GROUP, Role.ORGANISER), DAY)),
        "the note is signed by the poster: an account that is nobody in the workshop cannot post",
    ),
    Rule(
        Action.EDIT_OWN_NOTE,
        "edit or delete a note one posted",
        _grant(((*GROUP, Role.ORGANISER), DAY), ((Role.FACILITATOR, *ORGANISERS), ALWAYS)),
        "a note of the caller's own",
    ),
    Rule(
        Action.EDIT_ANY_NOTE,
        "moderate the board: edit or delete anyone's note, remove a cluster",
        _grant(((Role.FACILITATOR, *ORGANISERS), ALWAYS)),
    ),
    Rule(
        Action.DOT,
        "place and take back dots",
        _grant(((*GROUP, Role.ORGANISER), DAY)),
        "within the dot budget",
    ),
    Rule(
        Action.SORT,
        "sort the board: create and rename clusters, move notes",
        _grant(((Role.MEMBER, Role.DESIGNER), DAY), ((Role.FACILITATOR, *ORGANISERS), ALWAYS)),
    ),
    Rule(
        Action.MAKE_DRAFT,
        "turn a cluster into a proposal draft",
        _grant(((Role.FACILITATOR, *ORGANISERS), NOT_VOTING)),
    ),
    Rule(
        Action.ADD_PROPOSAL,
        "add a proposal to a theme (page or API)",
        _grant(((*GROUP, *ORGANISERS), NOT_VOTING)),
    ),
    Rule(
        Action.EDIT_PROPOSAL,
        "edit a proposal (editor, conflict resolution, API)",
        _grant((GROUP, NOT_VOTING), (ORGANISERS, ALWAYS)),
        "not a proposal merged into another",
    ),
    Rule(
        Action.UPLOAD_IMAGE,
        "upload a proposal's image",
        _grant((GROUP, NOT_VOTING), (ORGANISERS, ALWAYS)),
        "not a proposal merged into another",
    ),
    Rule(
        Action.READ_HISTORY,
        "read a proposal's history (it names who wrote)",
        _grant(((*GROUP, *ORGANISERS), ALWAYS)),
    ),
    Rule(
        Action.RESTORE_VERSION,
        "restore an earlier version of a proposal",
        _grant((ORGANISERS, ALWAYS)),
    ),
    Rule(
        Action.REVIEW,
        "review and triage proposals, mark duplicates, import initiatives",
        _grant((ORGANISERS, ALWAYS)),
    ),
    Rule(
        Action.WRITE_OPINION,
        'write "our opinion" on a theme',
        _grant((ORGANISERS, ALWAYS)),
    ),
    Rule(
        Action.MERGE_DUPLICATES,
        "merge a duplicate into the proposal it repeats",
        _grant((ORGANISERS, NOT_VOTING)),
    ),
    Rule(
        Action.OPEN_SELECTION,
        "open the vote, reopen it, change its settings",
        _grant((ORGANISERS, ALWAYS)),
    ),
    Rule(
        Action.CLOSE_SELECTION,
        "close the vote",
        _grant((ORGANISERS, VOTING)),
    ),
    Rule(
        Action.BECOME_PUBLIC_VOTER,
        "become a voter of the public college",
        _grant(((Role.ANONYMOUS, Role.STAFF), VOTING)),
        "when the public college votes",
    ),
    Rule(
        Action.VOTE,
        "cast or change one's ballot",
        _grant((VOTERS, VOTING)),
        "in a college of the caller's that votes in this selection",
    ),
    Rule(
        Action.NAME_FAVOURITES,
        "name favourites (coups de cœur)",
        _grant(((Role.ELECTED,), VOTING)),
    ),
    Rule(
        Action.SEE_RESULTS,
        "see the selection's results",
        _grant((Role, NOT_VOTING), (ORGANISERS, ALWAYS)),
        "everyone during the vote too when the organisers chose live results",
    ),
    Rule(
        Action.PUBLISH_BOOKLET,
        "publish the booklet (PDF)",
        _grant((ORGANISERS, ALWAYS)),
    ),
    Rule(
        Action.EXPORT,
        "export the whole workshop (people's attributes and contacts included)",
        _grant((ORGANISERS, ALWAYS)),
    ),
    Rule(
        Action.RUN_CONSOLE,
        "run the day's console: agenda, timer, wall, messages, assigning groups",
        _grant(((Role.FACILITATOR, *ORGANISERS), ALWAYS)),
        "facilitators signed in with their account",
    ),
    Rule(
        Action.ORGANISE_DAY,
        "set the joining rules and the dot budget, renew the join link",
        _grant((ORGANISERS, ALWAYS)),
    ),
    Rule(
        Action.REMOVE_PARTICIPANT,
        "remove a participant who joined with the link",
        _grant((ORGANISERS, ALWAYS)),
    ),
    Rule(
        Action.CREATE_API_TOKENS,
        "create API tokens",
        _grant(((Role.FACILITATOR, *ORGANISERS), ALWAYS)),
        "any signed-in account, for itself (a token has its account's rights); people who "
        "joined with a link have no account",
    ),
    Rule(
        Action.READ_AUDIT,
        "read the workshop's audit log",
        _grant((ORGANISERS, ALWAYS)),
    ),
    Rule(
        Action.PURGE_CONTACTS,
        "purge the workshop's personal data after its retention date",
        _grant((ORGANISERS, ALWAYS)),
        "once the retention date has passed",
    ),
    Rule(
        Action.REGISTER_VOLUNTEER,
        "register in the volunteer pool, for the lottery that recruits the panel",
        _grant((Role, ALWAYS)),
        "while the organisers keep registration open",
    ),
    Rule(
        Action.MANAGE_RECRUITMENT,
        "manage recruitment: the pool (with contacts), quotas, draws, replacements, the panel",
        _grant((ORGANISERS, ALWAYS)),
    ),
)

BY_ACTION: dict[Action, Rule] = {rule.action: rule for rule in RULES}


def allows(roles: Iterable[Role], action: Action, phase: Phase) -> bool:
    """Whether anyone holding `roles` may take `action` while the workshop is in `phase`."""
    rule = BY_ACTION[action]
    return any(phase in rule.phases_for(role) for role in roles)


def phases_allowing(action: Action) -> frozenset[Phase]:
    """The phases in which someone at all may take `action`."""
    rule = BY_ACTION[action]
    return frozenset().union(*rule.allowed.values()) if rule.allowed else frozenset()


def cells() -> Iterator[tuple[Role, Action, Phase, bool]]:
    """Every cell of the table, (role, action, phase, allowed), in the table's order."""
    for rule in RULES:
        for role in Role:
            for phase in Phase:
                yield role, rule.action, phase, phase in rule.phases_for(role)


# --- the table as docs/security.md shows it ------------------------------------------------

PHASE_MARKS = {
    Phase.PREPARATION: "P",
    Phase.LIVE_DIVERGE: "D",
    Phase.LIVE_CONVERGE: "C",
    Phase.REVIEW: "R",
    Phase.SELECTION_OPEN: "V",
    Phase.SELECTION_CLOSED: "S",
}
PHASE_NAMES = {
    Phase.PREPARATION: "preparation: the live day has not started",
    Phase.LIVE_DIVERGE: "live day, diverging",
    Phase.LIVE_CONVERGE: "live day, converging",
    Phase.REVIEW: "after the day: review",
    Phase.SELECTION_OPEN: "the vote is open",
    Phase.SELECTION_CLOSED: "the vote is closed",
}
ROLE_HEADERS = {
    Role.ANONYMOUS: "visitor",
    Role.PUBLIC: "public",
    Role.PARTICIPANT: "participant",
    Role.MEMBER: "member",
    Role.DESIGNER: "designer",
    Role.FACILITATOR: "facilitator",
    Role.ELECTED: "elected",
    Role.ORGANISER: "organiser",
    Role.STAFF: "staff",
}


def _phases_text(phases: frozenset[Phase]) -> str:
    if phases == ALWAYS:
        return "yes"
    if not phases:
        return "—"
    return " ".join(PHASE_MARKS[p] for p in Phase if p in phases)


def markdown() -> str:
    """The table in Markdown: one row per action, one column per role, the phases in each cell."""
    lines = [
        "| action | " + " | ".join(ROLE_HEADERS[r] for r in Role) + " |",
        "|---|" + "---|" * len(Role),
    ]
    for rule in RULES:
        cells_text = [_phases_text(rule.phases_for(role)) for role in Role]
        name = f"`{rule.action.value}`: {rule.what}"
        if rule.condition:
            name += f" (*{rule.condition}*)"
        lines.append(f"| {name} | " + " | ".join(cells_text) + " |")
    legend = ", ".join(f"{PHASE_MARKS[p]} = {PHASE_NAMES[p]}" for p in Phase)
    count = len(RULES) * len(Role) * len(Phase)
    lines += [
        "",
        f"*yes* = in every phase; — = never; otherwise the phases: {legend}. "
        f"{len(RULES)} actions × {len(Role)} roles × {len(Phase)} phases = {count} cells.",
    ]
    return "\n".join(lines) + "\n"
