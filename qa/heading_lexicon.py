"""The words a research sub-heading is never made of (qa/words.py, qa/topics.py): words common to every abstract, nouns
too general to name a topic, vague quantities and judgements, the MeSH headings any study carries, the names of a
paper's parts, function words and statistics. The rest of qa/'s word classes are in qa/lexicon.py; the same rule holds:
no word of one corpus's subject.
"""

from __future__ import annotations

from index.tokenize import STOP_WORDS

_W = str.split  # word lists below are written as one string each

# Lower-case, as qa/words.py compares them.
# Words common to every abstract: they make nothing specific, as a noun or as a modifier.
HEADING_GENERIC = STOP_WORDS | frozenset(
    _W(
        "also among approach associated benefit benefits clinical compared data effect effects found group groups "
        "health however including increase increased may one patient patients rate rates recommended results risk "
        "showed significant significantly studies study treatment use used using well year years"
    )
)
# Nouns too general to name a topic by themselves (they may stand inside a phrase: "Fracture Risk").
HEADING_GENERIC_NOUNS = frozenset(
    """analysis aim association case change cohort conclusion control day difference evaluation evidence
    factor finding hour level method month number objective outcome paper participant percentage period
    population proportion purpose ratio report research result review role sample score subject time trial
    total type value variable week way article investigation measure measurement
    parameter aspect area part kind form feature term impact influence relationship comparison
    assessment examination experience information issue problem question reason response need importance
    significance relevance usefulness utility presence absence occurrence development management care strategy
    practice addition combination context setting basis extent degree increase decrease reduction improvement
    lack series range majority individual people person others field odds interval coefficient correlation
    regression variance deviation estimate statistics baseline appearance condition status situation manner
    means fact order side list set""".split()
) | {w for w in HEADING_GENERIC if " " not in w}
# Words that never help a heading: vague quantities and judgements.
HEADING_VAGUE = frozenset(
    """several various different many other similar same possible important additional further current recent
    previous present certain specific significant such respective particular appropriate relevant available
    entire whole numerous given usual overall consecutive included including reported observed performed studied
    selected treated obtained measured assessed based related compared associated known described defined needed
    required expected following existing remaining underlying corresponding resulting adjusted unadjusted
    statistical""".split()
)
# Vague modifiers that still open a term of three or more words ("Low Back Pain", "Small Cell Lung Cancer").
HEADING_SOFT_VAGUE = frozenset(
    "high low small large big major minor total mean median average good poor early late "
    "long short common main general new old".split()
)
# MeSH headings any study may carry (who was studied, how, with which statistics): they name no topic (qa/topics.py).
MESH_GENERIC = frozenset(
    h.strip()
    for h in (
        "humans; male; female; adult; aged; aged, 80 and over; middle aged; child; child, preschool; infant; infant, "
        "newborn; adolescent; young adult; animals; mice; rats; retrospective studies; prospective studies; follow-up "
        "studies; cross-sectional studies; cohort studies; case-control studies; treatment outcome; risk factors; time "
        "factors; questionnaires; surveys and questionnaires; reproducibility of results; sensitivity and specificity; "
        "predictive value of tests; incidence; prevalence; severity of illness index; logistic models; multivariate "
        "analysis; regression analysis; odds ratio; statistics as topic; data collection; analysis of variance; age "
        "factors; sex factors; prognosis; united states; risk assessment; survival analysis; survival rate; reference "
        "values; linear models; proportional hazards models; chi-square distribution; double-blind method; single-blind "
        "method; random allocation; case reports; retrospective; comorbidity; age distribution; sex distribution; pilot "
        "projects; evaluation studies as topic; program evaluation; cost-benefit analysis"
    ).split(";")
)
# Words that only name the parts of a paper ("PATIENTS AND METHODS", "MAIN OUTCOME MEASURES").
SECTION_WORDS = frozenset(
    """abstract aim aims author background body case clinical collection conclusion conclusions considerations
    context data definition description design discussion end experimental extraction finding findings goal
    hypotheses hypothesis implementation importance interventions intervention introduction investigation key
    limitation limitations location main material materials measure measured measurement measurements measures
    method methodology methods object objective objectives observations outcome outcomes overview participants
    patient patients point points population presentation primary principal probands purpose purposes rationale
    registration report reports research result results sample secondary selection setting settings source
    sources study subjects summary supporting synthesis text title titles keywords trial unlabelled variables
    of the and or""".split()
)
# Words that join or qualify, never a heading's own word.
FUNCTION_WORDS = (STOP_WORDS - {"of", "further"}) | frozenset(
    """also however thus therefore although though whether within without among amongst across versus vs via
    per et al upon toward towards whereas since despite along around beyond like unlike yet either neither may
    might must shall can could would should will ie eg etc respectively hence whose whom onto unless whereby
    less least""".split()
)
# Statistics' abbreviations: a heading never ends on one.
STATISTICS = frozenset("ci or hr rr sd se sem iqr anova auc p n vs aor ors hrs cis".split())
