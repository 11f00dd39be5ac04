"""The one table of reporting verbs: each lemma, and the statement kind it says by itself when it does.

The span tagger reads it as a feature (a token is a reporting verb, or depends on one), the kind
classifier as a feature (the cue's kind), and the transcript reader to find reports inside turns.
"Say" tells nothing of the kind; "demand" tells it. A verb not listed can still be learned as a cue
by the tagger from its training data; this table is what the models are told, not all they know.
"""

# lemma: kind ("" when the verb says nothing of what kind of statement it introduces)
REPORTING = {
    "say": "", "tell": "", "add": "", "state": "", "note": "", "explain": "", "write": "", "report": "",
    "stress": "", "emphasize": "", "emphasise": "", "underline": "", "point": "", "remark": "", "reply": "",
    "respond": "", "answer": "", "comment": "", "observe": "", "recall": "", "continue": "", "mention": "",
    "describe": "", "testify": "", "tweet": "", "post": "", "announce": "", "declare": "", "reveal": "",
    "confirm": "", "indicate": "", "suggest": "proposal", "propose": "proposal", "offer": "proposal",
    "argue": "", "claim": "", "insist": "demand", "maintain": "", "contend": "", "assert": "", "believe": "",
    "think": "", "hope": "appeal", "expect": "", "predict": "", "estimate": "", "conclude": "", "find": "",
    "acknowledge": "", "admit": "", "concede": "", "agree": "acceptance", "accept": "acceptance",
    "welcome": "acceptance", "endorse": "acceptance", "praise": "", "demand": "demand", "require": "demand",
    "urge": "appeal", "call": "appeal", "appeal": "appeal", "ask": "appeal", "request": "appeal",
    "invite": "appeal", "warn": "threat", "threaten": "threat", "vow": "assurance", "promise": "assurance",
    "pledge": "assurance", "assure": "assurance", "guarantee": "assurance", "reassure": "assurance",
    "reject": "rejection", "refuse": "rejection", "deny": "rejection", "dismiss": "rejection",
    "rule": "rejection", "oppose": "criticism", "object": "criticism", "criticize": "criticism",
    "criticise": "criticism", "accuse": "criticism", "complain": "criticism", "condemn": "criticism",
    "denounce": "criticism", "blame": "criticism", "attack": "criticism", "slam": "criticism",
    "blast": "criticism", "lament": "criticism", "decry": "criticism", "question": "criticism",
    "protest": "criticism", "charge": "criticism", "allege": "", "fear": "", "worry": "", "doubt": "",
    "quip": "", "joke": "", "cite": "", "echo": "", "counter": "", "defend": "", "recount": "", "tout": "",
    "speculate": "", "according": "", "express": "", "voice": "", "raise": "",
}  # fmt: skip

# Verbs that hold a view rather than say words: their object is the view ("expressed concerns about…").
HOLDING = frozenset({"express", "voice", "raise", "share", "support", "favour", "favor"})

# Phrasal cues whose particle decides the kind: "call on", "call for" (appeal), "rule out" (rejection).
PARTICLES = {("call", "on"): "appeal", ("call", "for"): "appeal", ("rule", "out"): "rejection"}


IRREGULAR = {"say": ("said",), "tell": ("told",), "write": ("wrote", "written"), "think": ("thought",),
             "find": ("found",), "according": ("according to",)}  # fmt: skip


# Verbs that double their last consonant before -ed and -ing ("admitted", "slammed", "quipped").
DOUBLING = frozenset({"admit", "slam", "quip", "regret", "commit", "refer", "prefer", "occur", "plan", "stop"})


def forms(lemma: str) -> tuple[str, ...]:
    """The forms a reporting verb takes in running text: "warn", "warns", "warned", "warning"."""
    if lemma == "according":
        return IRREGULAR[lemma]
    if lemma in DOUBLING:
        stem = lemma + lemma[-1]
        return (lemma, lemma + "s", stem + "ed", stem + "ing")
    stem = lemma[:-1] if lemma.endswith("e") and not lemma.endswith("ee") else lemma
    third = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "o")) else "s")
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        third, past = lemma[:-1] + "ies", lemma[:-1] + "ied"
    else:
        past = lemma + "d" if lemma.endswith("e") else lemma + "ed"
    if lemma in IRREGULAR:
        return (lemma, third, stem + "ing", *IRREGULAR[lemma])  # "said", never "sayed"
    return (lemma, third, past, stem + "ing")


def pattern() -> str:
    """A regular expression alternation of every form of every reporting verb, longest first."""
    every = {form for lemma in REPORTING for form in forms(lemma)}
    return "|".join(sorted(every, key=lambda f: (-len(f), f)))


def cue_kind(lemma: str, particle: str = "") -> str:
    """The kind a cue verb says by itself, or "" (for "say" and for verbs not in the table)."""
    lemma = lemma.lower()
    if particle and (lemma, particle.lower()) in PARTICLES:
        return PARTICLES[(lemma, particle.lower())]
    if lemma in ("call", "rule"):
        return ""  # "call" alone ("he called it…") and "rule" alone say nothing
    return REPORTING.get(lemma, "")


def is_reporting(lemma: str) -> bool:
    return lemma.lower() in REPORTING


# Words that say what kind of statement they stand in, whatever part of speech: the nine kinds as
# English puts them (DESIGN.md's vocabulary and CAMEO's root codes), not phrases of any one document.
KIND_WORDS = {
    "proposal": (
        "propose proposal offer suggest suggestion initiative idea plan ready willing prepared invite framework "
        "option consider explore establish create launch joint together"
    ),
    "demand": "demand insist require requirement must need necessary essential condition precondition binding legal",
    "acceptance": "accept agree agreement welcome endorse approve ratify support positive constructive achieve",
    "rejection": "reject refuse refusal deny dismiss unacceptable impossible veto exclude out no never",
    "threat": (
        "threaten warn warning retaliate retaliation countermeasure response respond withdraw deploy force forced "
        "consequence react reaction measure"
    ),
    "assurance": (
        "assure assurance guarantee pledge promise commit commitment reaffirm honor honour continue remain directed "
        "aimed target intention"
    ),
    "appeal": "urge call appeal hope ask request encourage let should work cooperate join invite expect",
    "criticism": (
        "criticize criticise criticism condemn accuse blame regret mistake wrong fail failure concern concerned "
        "dangerous irresponsible naive violate violation cheat weaken undermine abandon disappoint troubling oppose "
        "opposition object unfortunately problem"
    ),
}  # fmt: skip
KIND_OF_WORD: dict[str, tuple[str, ...]] = {}
for _kind, _words in KIND_WORDS.items():
    for _word in _words.split():
        KIND_OF_WORD[_word] = (*KIND_OF_WORD.get(_word, ()), _kind)


# Phrases that say a statement's kind wherever they stand in it: general English, not any one
# document's wording (matched on lower-cased text with British and American spellings folded).
KIND_PHRASES = {
    "criticism": (
        r"\b(?:has|have) (?:so far )?not listened|no basis for|does not make sense|doesn't make sense|unacceptable"
        r"|irresponsible|violat\w+ (?:the|its|their)|cheat\w*|criticis\w+|regret\w*|mistake|wrong|fail\w*|abandon\w*"
        r"|naive|dangerous|oppos\w+|disregard|out of date|unnecessary|troubling|disturbing|yet to|ignore\w*"
        r"|weaken\w*|undermin\w+|scrap\w*"
    ),
    "threat": (
        r"\b(?:pull out of|withdraw from|walk away from)|retaliat\w*|countermeasures?|response measures"
        r"|will have to (?:take|look for|respond|deploy)|forced to (?:take|respond|deploy)|arms race"
        r"|take (?:adequate|appropriate|necessary|military) (?:measures|steps)|options? off the table"
        r"|(?:will|would) (?:respond|react)\b"
    ),
    "demand": (
        r"\b(?:demand\w*|insist\w* (?:on|that)|it is (?:essential|critical|imperative|vital) that|requir\w+ that"
        r"|(?:must|should) (?:be|not be) (?:given|provided)|need (?:solid |firm )?(?:legal |written )?guarantees"
        r"|requests? (?:an? )?(?:urgent )?explanation)"
    ),
    "appeal": (
        r"\b(?:call(?:s|ed|ing)? (?:on|upon)|urg(?:e|es|ed|ing)\b|appeal\w* to|invit\w+ (?:them|you|all)|encourag\w+"
        r"|let us\b|let's\b|we (?:should|must|need to) (?:focus|work|continue|cooperate|build|keep)|hope(?:s|d)? "
        r"(?:for|that)|asked? (?:for|that)|reconsider)"
    ),
    "rejection": (
        r"\b(?:no need for|not (?:think|believe) there (?:was|is) a need|reject\w*|refus\w+|will not accept"
        r"|cannot accept|won't accept|out of the question|not (?:be )?(?:a )?bargaining chip|not negotiable"
        r"|will not (?:be|allow|agree)\b|no (?:limits|restrictions) on|not (?:going|prepared) to (?:agree|accept))"
    ),
    "proposal": (
        r"\b(?:propos\w+|offer\w*|put forward|suggest\w*|should create|could create|we plan to|initiative"
        r"|we are ready to|we're ready to|ready to (?:cooperate|work|discuss)|framework in which|joint \w+)"
    ),
    "assurance": (
        r"\b(?:not (?:be )?(?:directed|aimed|targeted) (?:against|at)|(?:is|are|pose[sd]?) no threat|not a threat"
        r"|will not (?:attack|undermine|do anything|threaten)|never (?:to )?use|assur\w+|guarantee that"
        r"|commit\w* to|pledg\w+|we will (?:continue|keep|stand|honor|honour|defend|meet)|not enemies|no intention"
        r"|does not threaten|we stand by|reaffirm\w*)"
    ),
    "acceptance": (
        r"\b(?:we (?:accept|agree to|welcome the decision)|accepted (?:the|their|your) (?:proposal|offer)"
        r"|we agreed to (?:the|your|their))"
    ),
}
