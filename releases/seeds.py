"""The data a release starts with: the act's grounds and the notice of recourse, in French.

Loaded by the migration 0002 (and by the demo); the access officer adds grounds on the release
page. The notice follows the source document's first pages (the notice that accompanies a
decision under chapter A-2.1); its opening lines, cut off in the source, are the usual ones.
"""

GROUNDS = [
    (
        "14",
        "Communication partielle d'un document",
        "Un organisme public ne peut refuser l'accès à un document pour le seul motif que ce "
        "document comporte certains renseignements qu'il doit ou peut refuser de communiquer en "
        "vertu de la présente loi. […] Dans les autres cas, l'organisme public doit donner accès "
        "au document demandé après en avoir extrait uniquement les renseignements auxquels "
        "l'accès n'est pas autorisé.",
    ),
    (
        "22",
        "Renseignements ayant des incidences sur les intérêts économiques de l'organisme",
        "Un organisme public peut refuser de communiquer un secret industriel qui lui appartient. "
        "Il peut également refuser de communiquer un autre renseignement industriel ou un "
        "renseignement financier, commercial, scientifique ou technique lui appartenant et dont "
        "la divulgation risquerait vraisemblablement d'entraver une négociation en vue de la "
        "conclusion d'un contrat, de causer une perte à l'organisme ou de procurer un avantage "
        "appréciable à une autre personne.",
    ),
    (
        "23",
        "Renseignements confidentiels fournis par un tiers",
        "Un organisme public ne peut communiquer le secret industriel d'un tiers ou un "
        "renseignement industriel, financier, commercial, scientifique, technique ou syndical de "
        "nature confidentielle fourni par un tiers et habituellement traité par un tiers de "
        "façon confidentielle, sans son consentement.",
    ),
    (
        "24",
        "Renseignements fournis par un tiers dont la divulgation lui nuirait",
        "Un organisme public ne peut communiquer un renseignement fourni par un tiers lorsque sa "
        "divulgation risquerait vraisemblablement d'entraver une négociation en vue de la "
        "conclusion d'un contrat, de causer une perte à ce tiers, de procurer un avantage "
        "appréciable à une autre personne ou de nuire de façon substantielle à la compétitivité "
        "de ce tiers, sans son consentement.",
    ),
    (
        "37",
        "Avis et recommandations",
        "Un organisme public peut refuser de communiquer un avis ou une recommandation faits "
        "depuis moins de dix ans, par un de ses membres, un membre de son personnel, un membre "
        "d'un autre organisme public ou un membre du personnel de cet autre organisme, dans "
        "l'exercice de leurs fonctions.",
    ),
    (
        "39",
        "Analyses",
        "Un organisme public peut refuser de communiquer une analyse produite à l'occasion d'une "
        "recommandation faite dans le cadre d'un processus décisionnel en cours, jusqu'à ce que "
        "la recommandation ait fait l'objet d'une décision ou, en l'absence de décision, qu'une "
        "période de cinq ans se soit écoulée depuis la date où l'analyse a été faite.",
    ),
    (
        "53",
        "Caractère confidentiel des renseignements personnels",
        "Les renseignements personnels sont confidentiels, sauf dans les cas prévus par la loi "
        "(notamment lorsque la personne concernée consent à leur divulgation).",
    ),
    (
        "54",
        "Renseignements personnels",
        "Dans un document, sont personnels les renseignements qui concernent une personne "
        "physique et permettent, directement ou indirectement, de l'identifier.",
    ),
]

NOTICE_TITLE = "Avis de recours"

NOTICE_TEXT = """\
## Révision par la Commission d'accès à l'information

**a) Pouvoir**

L'article 135 de la loi prévoit qu'une personne dont la demande écrite a été refusée en tout ou \
en partie par le responsable de l'accès aux documents ou de la protection des renseignements \
personnels, peut demander à la Commission d'accès à l'information de réviser cette décision.

La demande de révision doit être faite par écrit; elle peut exposer brièvement les raisons pour \
lesquelles la décision devrait être révisée (art. 137).

L'adresse de la Commission d'accès à l'information est la suivante :

- Québec : 525, boulevard René-Lévesque Est, bureau 2.36, Québec (Québec) G1R 5S9; \
téléphone : 418 528-7741; télécopieur : 418 529-3102.
- Montréal : 500, boulevard René-Lévesque Ouest, bur. 18.200, Montréal (Québec) H2Z 1W7; \
téléphone : 514 873-4016; télécopieur : 514 844-6170.

**b) Motifs**

Les motifs relatifs à la révision peuvent porter sur la décision, sur le délai de traitement de \
la demande, sur le mode d'accès à un document ou à un renseignement, sur les frais exigibles ou \
sur l'application de l'article 9 (notes personnelles inscrites sur un document, esquisses, \
ébauches, brouillons, notes préparatoires ou autres documents de même nature qui ne sont pas \
considérés comme des documents d'un organisme public).

**c) Délais**

Les demandes de révision doivent être adressées à la Commission d'accès à l'information dans les \
30 jours suivant la date de la décision ou de l'expiration du délai accordé au responsable pour \
répondre à une demande (art. 135).

La loi prévoit spécifiquement que la Commission d'accès à l'information peut, pour motif \
raisonnable, relever le requérant du défaut de respecter le délai de 30 jours (art. 135).

## Appel devant la Cour du Québec

**a) Pouvoir**

L'article 147 de la loi stipule qu'une personne directement intéressée peut porter la décision \
de la Commission d'accès à l'information en appel devant trois juges de la Cour provinciale, sur \
toute question de droit ou de compétence. Cet appel ne peut toutefois être porté qu'avec la \
permission d'un juge de la Cour provinciale. Ce juge accorde la permission s'il est d'avis qu'il \
s'agit d'une question qui devrait être examinée en appel.

**b) Délais et frais**

L'article 149 prévoit que la requête pour permission d'appeler doit être déposée au greffe de la \
Cour provinciale, à Montréal ou à Québec, dans les 30 jours de la décision, après avis aux \
parties et à la Commission d'accès à l'information. Les frais de cette demande sont à la \
discrétion du juge.

**c) Procédure**

L'appel est formé, selon l'article 150 de la loi, par dépôt auprès de la Commission d'accès à \
l'information d'un avis à cet effet signifié aux parties dans les 10 jours qui suivent la date de \
la décision qui l'autorise. Le dépôt de cet avis tient lieu de signification à la Commission \
d'accès à l'information.
"""


def load(ground_model, notice_model) -> None:
    """Create the grounds and the default notice that are missing (never overwrite edits)."""
    for order, (article, title, wording) in enumerate(GROUNDS):
        ground_model.objects.get_or_create(
            article=article, defaults={"title": title, "wording": wording, "order": order * 10}
        )
    if not notice_model.objects.filter(body=None).exists():
        notice_model.objects.create(body=None, title=NOTICE_TITLE, text=NOTICE_TEXT)
