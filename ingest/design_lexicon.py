"""Every study-design word medcite knows, in one place: the designs, the index terms (MeSH headings, PubMed
publication types, JATS article types) that name one, and the cue phrases the design model reads. The words
the participant reader looks for are in ingest/participant_lexicon.py.

The tables are data: to map a new term, add a row here, never a pattern elsewhere. Nothing here names a
subject (a disease, a drug); only how a study was done, and who took part in it.
"""

from __future__ import annotations

# (key, how it is shown). The key is what the store keeps; the order is the order they are listed in.
DESIGNS: tuple[tuple[str, str], ...] = (
    ("systematic_review", "systematic review / meta-analysis"),
    ("randomised_trial", "randomised trial"),
    ("prospective_cohort", "prospective cohort"),
    ("retrospective_cohort", "retrospective cohort or chart review"),
    ("case_control", "case-control"),
    ("cross_sectional", "cross-sectional or survey"),
    ("case_report", "case report or series"),
    ("animal", "animal"),
    ("laboratory", "laboratory / in vitro"),
    ("narrative_review", "narrative review"),
    ("guideline", "guideline or consensus"),
    ("other", "other"),
)
DESIGN_KEYS = tuple(key for key, _ in DESIGNS)
DESIGN_LABELS = dict(DESIGNS)

# A term names a design at a rank: where a record carries several terms, the lowest rank decides, and two
# designs at the same lowest rank are a conflict (no label; the text decides). `unless`: the row does not
# apply when the record also carries one of these terms (an "Animals" heading beside "Humans" is a mixed
# study, not an animal one).
#
# Ranks, strongest first: 0 a publication type that is a design; 1 a publication type that is a broad kind
# ("Review" is given to systematic reviews too, which also carry the type that says so); 2 what was studied
# (animals, cells); 3 randomisation; 4 designs that fix the sampling (case-control, cross-sectional);
# 5 the direction of a cohort; 6 a survey instrument, which studies of every design use.
#
# Not mapped, on purpose: "Cohort Studies", "Follow-Up Studies" and "Longitudinal Studies" (no direction;
# in the shipped records they also sit on case series and trial re-analyses); "Single-Blind Method" (an
# assessor kept blind, as often in a diagnostic study as in a trial); and every "... as Topic" heading
# (what a paper is about, not what it is).
#            term                                     design                  rank  unless
TERMS: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    # Publication types (PubMed `publication_types`, JATS heading subjects).
    ("Meta-Analysis", "systematic_review", 0, ()),
    ("Systematic Review", "systematic_review", 0, ()),
    ("Network Meta-Analysis", "systematic_review", 0, ()),
    ("Randomized Controlled Trial", "randomised_trial", 0, ()),
    ("Pragmatic Clinical Trial", "randomised_trial", 0, ()),
    ("Equivalence Trial", "randomised_trial", 0, ()),
    ("Case Reports", "case_report", 0, ()),
    ("Case Report", "case_report", 0, ()),
    ("Practice Guideline", "guideline", 0, ()),
    ("Guideline", "guideline", 0, ()),
    ("Consensus Development Conference", "guideline", 0, ()),
    ("Consensus Development Conference, NIH", "guideline", 0, ()),
    ("Consensus Statement", "guideline", 0, ()),
    ("Editorial", "other", 0, ()),
    ("Comment", "other", 0, ()),
    ("Letter", "other", 0, ()),
    ("News", "other", 0, ()),
    ("Review", "narrative_review", 1, ()),
    # JATS article-type attribute values (lower case, hyphenated, as the schema spells them).
    ("systematic-review", "systematic_review", 0, ()),
    ("meta-analysis", "systematic_review", 0, ()),
    ("case-report", "case_report", 0, ()),
    ("practice-guideline", "guideline", 0, ()),
    ("guideline", "guideline", 0, ()),
    ("editorial", "other", 0, ()),
    ("letter", "other", 0, ()),
    ("news", "other", 0, ()),
    ("article-commentary", "other", 0, ()),
    ("book-review", "other", 0, ()),
    ("review-article", "narrative_review", 1, ()),
    # MeSH headings.
    ("Animals", "animal", 2, ("Humans",)),
    ("Disease Models, Animal", "animal", 2, ("Humans",)),
    ("Models, Animal", "animal", 2, ("Humans",)),
    ("In Vitro Techniques", "laboratory", 2, ("Humans", "Animals")),
    ("Cells, Cultured", "laboratory", 2, ("Humans", "Animals")),
    ("Cell Line", "laboratory", 2, ("Humans", "Animals")),
    ("Random Allocation", "randomised_trial", 3, ("Retrospective Studies",)),
    ("Double-Blind Method", "randomised_trial", 3, ("Retrospective Studies",)),
    ("Placebos", "randomised_trial", 3, ("Retrospective Studies",)),
    ("Cross-Over Studies", "randomised_trial", 3, ("Retrospective Studies",)),
    ("Case-Control Studies", "case_control", 4, ()),
    ("Cross-Sectional Studies", "cross_sectional", 4, ()),
    ("Delphi Technique", "guideline", 4, ()),
    ("Retrospective Studies", "retrospective_cohort", 5, ()),
    ("Prospective Studies", "prospective_cohort", 5, ()),
    ("Surveys and Questionnaires", "cross_sectional", 6, ()),
    ("Health Care Surveys", "cross_sectional", 6, ()),
    ("Health Surveys", "cross_sectional", 6, ()),
    ("Nutrition Surveys", "cross_sectional", 6, ()),
    ("Dental Health Surveys", "cross_sectional", 6, ()),
)

# --- The design model's cue features (ingest/design_model.terms) ---

# Phrases in which an abstract says how its study was done. Each one found adds the feature "cue:<design>"
# to the model's input; the model learns how far to trust it (a "prospectively maintained database" is often
# read retrospectively). Words only, matched on word boundaries, case ignored; British and American
# spellings both listed, as the model's words are otherwise spelt as written.
CUES: tuple[tuple[str, str], ...] = (
    ("systematic review", "systematic_review"),
    ("meta-analysis", "systematic_review"),
    ("meta-analyses", "systematic_review"),
    ("pooled analysis", "systematic_review"),
    ("randomized", "randomised_trial"),
    ("randomised", "randomised_trial"),
    ("randomly assigned", "randomised_trial"),
    ("randomly allocated", "randomised_trial"),
    ("double-blind", "randomised_trial"),
    ("double blind", "randomised_trial"),
    ("double-blinded", "randomised_trial"),
    ("single-blind", "randomised_trial"),
    ("placebo-controlled", "randomised_trial"),
    ("placebo", "randomised_trial"),
    ("crossover", "randomised_trial"),
    ("cross-over", "randomised_trial"),
    ("prospective", "prospective_cohort"),
    ("prospectively", "prospective_cohort"),
    ("followed up", "prospective_cohort"),
    ("longitudinal", "prospective_cohort"),
    ("were enrolled", "prospective_cohort"),
    ("retrospective", "retrospective_cohort"),
    ("retrospectively", "retrospective_cohort"),
    ("chart review", "retrospective_cohort"),
    ("charts", "retrospective_cohort"),
    ("medical records", "retrospective_cohort"),
    ("records were reviewed", "retrospective_cohort"),
    ("we reviewed", "retrospective_cohort"),
    ("database", "retrospective_cohort"),
    ("case-control", "case_control"),
    ("case control", "case_control"),
    ("matched controls", "case_control"),
    ("healthy controls", "case_control"),
    ("control subjects", "case_control"),
    ("age-matched", "case_control"),
    ("controls", "case_control"),
    ("cross-sectional", "cross_sectional"),
    ("cross sectional", "cross_sectional"),
    ("survey", "cross_sectional"),
    ("questionnaire", "cross_sectional"),
    ("questionnaires", "cross_sectional"),
    ("respondents", "cross_sectional"),
    ("response rate", "cross_sectional"),
    ("prevalence", "cross_sectional"),
    ("case report", "case_report"),
    ("we report a", "case_report"),
    ("we describe a", "case_report"),
    ("we present a", "case_report"),
    ("case series", "case_report"),
    ("year-old", "case_report"),
    ("rats", "animal"),
    ("mice", "animal"),
    ("rat", "animal"),
    ("mouse", "animal"),
    ("dogs", "animal"),
    ("pigs", "animal"),
    ("piglets", "animal"),
    ("rabbits", "animal"),
    ("sheep", "animal"),
    ("ewes", "animal"),
    ("swine", "animal"),
    ("animals", "animal"),
    ("animal model", "animal"),
    ("in vitro", "laboratory"),
    ("cell line", "laboratory"),
    ("cell lines", "laboratory"),
    ("cultured", "laboratory"),
    ("practice guideline", "guideline"),
    ("clinical practice guidelines", "guideline"),
    ("consensus statement", "guideline"),
    ("consensus conference", "guideline"),
    ("delphi", "guideline"),
    ("expert panel", "guideline"),
    ("narrative review", "narrative_review"),
    ("literature review", "narrative_review"),
    ("this review", "narrative_review"),
    ("we review", "narrative_review"),
    ("review of the literature", "narrative_review"),
)
