"""The word classes a follow-up is read with: what opens a question, what only points back ("it", "those"),
what names no subject of its own ("how long", "the dose"), and what is only social ("thanks!")."""

from __future__ import annotations

_W = str.split  # word lists below are written as one string each

WH = frozenset(_W("what which how when why who whom whose where what's how's"))
AUX = frozenset(_W("is are was were be been do does did should can could would will must might may shall has have"))
PRONOUNS = frozenset(_W("i me my we us our you your one it it's its they them their this that these those such there"))
CONTEXT = frozenset(_W("in during with without among after before on under over if while versus vs compared or"))
QUALIFIERS = CONTEXT | {"for"}  # a fragment led by one qualifies the last question: "in children?"
PREPS = QUALIFIERS | frozenset(_W("of to at by about from into between than as per and but also so the a an any no"))
POPULATION = frozenset(
    _W(
        "children child people infants infant neonates newborns babies adolescents teenagers teens "
        "adults adult elderly older younger women men pregnancy pregnant breastfeeding patients"
    )
)
PROPERTY = frozenset(
    _W(
        "effect effects reactions events contraindications interactions risk risks benefits causes "
        "prognosis complications symptoms signs duration efficacy safety diagnosis prevention "
        "indications"
    )
)
FOR_ASPECT = frozenset(
    _W(
        "dose doses dosage dosing treatment treatments therapy management test tests testing "
        "screening monitoring alternatives options guidelines recommendations evidence regimen"
    )
)
ASPECT = PROPERTY | FOR_ASPECT | {"side-effects"}  # a property ("side effects of X") or done for it ("dose for X")
REFERENT = frozenset(_W("drug drugs medication medications medicine condition disease disorder illness infection"))
PREDICATE = frozenset(_W("safe effective recommended indicated contraindicated necessary needed required ok"))
VERBS = frozenset(
    _W(
        "treat manage use give given take taken start stop stopped continue switch avoid prevent test "
        "screen diagnose monitor dose prescribe taper titrate adjust repeat refer check measure reduce "
        "increase change need help work affect apply last happen recommend consider do get make cause"
    )
)
GENERIC = (
    WH
    | AUX
    | PRONOUNS
    | PREPS
    | POPULATION
    | ASPECT
    | PREDICATE
    | VERBS
    | frozenset(
        _W(
            "long often much many more most less usually best good first next still ever main important usual typical "
            "standard appropriate initial maximum daily else again then now soon fast time times day days week weeks month "
            "months year years long-term first-line second-line higher lower high low way ways course role side adverse "
            "common serious okay"
        )
    )
)
OPENERS = WH | AUX | frozenset(_W("tell explain describe list please give define compare any i"))
FOLLOWERS = AUX | PREPS | PREDICATE | VERBS | {"'s"}  # words after "this"/"that" when it stands for a noun
SOCIAL = frozenset(
    _W(
        "hi hello hey hiya thanks thank thx ok okay great cool nice bye goodbye yes no yeah nope sure "
        "cheers good morning afternoon evening you very much please"
    )
)
DUMMY_IT = frozenset(_W("possible necessary advisable reasonable true worth important known likely matter matters"))
