"""What a reader sees on each page of the demo plan."""

import datetime
import html as html_lib
import re
import zoneinfo

from django.urls import reverse

from accounts.models import User
from initiatives.models import Contribution, Initiative

YEAR = "2023-2024"
BODY = "meie"
QUEBEC = zoneinfo.ZoneInfo("America/Toronto")


def text_of(response) -> str:
    """The page's visible text, tags removed and spaces folded (no-break spaces included)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", html))
    return " ".join(text.replace("\u00a0", " ").split())


def roadmap_codes(client, query: str = "") -> list[str]:
    response = client.get(reverse("roadmap:roadmap", args=[BODY, YEAR]) + query)
    assert response.status_code == 200
    return re.findall(r'<td class="ptn-code">([\d.]+)</td>', response.content.decode())


def test_home_shows_vision_maturity_radar_orientations_and_counts(reader_client):
    response = reader_client.get(reverse("roadmap:home", args=[BODY, YEAR]))
    page = text_of(response)
    assert "Créer de la richesse par le développement économique et énergétique du Québec" in page
    assert "2,3 sur une échelle de 1 à 4" in page
    assert "Étape 3 : « Devient numérique », d'ici le 31 mars 2027" in page
    assert "Résultat global : 1,75" in page
    html = response.content.decode()
    assert html.count("<svg") == 1 and 'role="img"' in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    for category, score in [("Responsabilité sociale", "3,00"), ("Expérience employé", "1,14")]:
        assert category in svg and score in svg
    assert svg.count("<circle") == 8
    for code in ["1.1", "1.2", "2.1", "2.2", "2.3"]:
        assert f'<span class="ptn-code">{code}</span>' in html
    assert "14 initiatives dans la feuille de route." in page
    counts = dict(re.findall(r"ptn-badge--(\w+)\">[^<]+</span> <strong>(\d+)</strong>", html))
    expected = {
        s: str(Initiative.objects.filter(status=s).count()) for s in Initiative.Status.values
    }
    assert counts == expected


def test_roadmap_lists_all_initiatives_by_orientation_and_ambition(reader_client):
    codes = roadmap_codes(reader_client)
    assert codes == [
        "1.1.1", "1.1.2", "1.2.1", "1.2.2", "2.1.1", "2.1.3", "2.1.4", "2.1.5",
        "2.2.1", "2.2.2", "2.2.3", "2.2.5", "2.3.1", "2.3.2",
    ]  # fmt: skip
    page = text_of(reader_client.get(reverse("roadmap:roadmap", args=[BODY, YEAR])))
    assert "Orientation 2 Mettre en place une organisation efficace et efficiente" in page
    assert "Démo Responsable d'initiative" in page  # the lead of 1.1.1 and 2.2.3


def test_search_ignores_accents_and_case(reader_client):
    assert roadmap_codes(reader_client, "?q=donnees+PUBLIQUES") == ["2.3.1"]
    with_accents = roadmap_codes(reader_client, "?q=numérique")
    assert with_accents and roadmap_codes(reader_client, "?q=numerique") == with_accents
    assert roadmap_codes(reader_client, "?q=oeuvre") == roadmap_codes(reader_client, "?q=œuvre")
    assert roadmap_codes(reader_client, "?q=PSLU") == ["1.1.1"]


def test_filters_by_status_unit_and_topic_combine(reader_client, edition):
    exploring = sorted(
        edition.initiatives.filter(status="exploration").values_list("code", flat=True)
    )
    assert roadmap_codes(reader_client, "?status=exploration") == exploring
    unit = edition.initiatives.get(code="2.3.1").unit
    in_unit = sorted(edition.initiatives.filter(unit=unit).values_list("code", flat=True))
    assert roadmap_codes(reader_client, f"?unit={unit.pk}") == in_unit
    topic = Contribution.objects.get(initiative__code="2.2.2").topic
    assert "2.2.2" in roadmap_codes(reader_client, f"?topic={topic.pk}")
    simplification = Contribution.objects.filter(topic__section__key="simplification").first().topic
    assert roadmap_codes(reader_client, f"?topic={simplification.pk}") == [
        "1.1.1",
        "1.2.1",
        "1.2.2",
        "2.1.3",
    ]
    assert roadmap_codes(reader_client, f"?topic={simplification.pk}&q=donnees") == ["1.2.1"]


def test_a_filtered_view_keeps_its_filters_in_the_form(reader_client):
    response = reader_client.get(
        reverse("roadmap:roadmap", args=[BODY, YEAR]) + "?q=infonuagique&status=planned"
    )
    html = response.content.decode()
    assert 'value="infonuagique"' in html
    assert '<option value="planned" selected>' in html
    assert "Réinitialiser" in html


def test_an_invalid_filter_is_explained_in_french_and_ignored(reader_client):
    response = reader_client.get(
        reverse("roadmap:roadmap", args=[BODY, YEAR]) + "?status=pirate&unit=abc"
    )
    page = text_of(response)
    assert "Sélectionnez un choix valide" in page
    assert len(roadmap_codes(reader_client, "?status=pirate")) == 14


def test_no_match_says_so(reader_client):
    page = text_of(reader_client.get(reverse("roadmap:roadmap", args=[BODY, YEAR]) + "?q=zzzz"))
    assert "0 initiative" in page and "Aucune initiative ne correspond à ces filtres." in page


def test_initiative_page_shows_every_part(reader_client):
    response = reader_client.get(reverse("initiatives:detail", args=[BODY, YEAR, "1.1.1"]))
    page = text_of(response)
    assert "(PSLU)" in page
    assert "Démo Responsable d'initiative" in page
    assert "Oui (budget alloué, effectifs confirmés)" in page
    assert "2 000 000 $ bénéfice net sur 5 ans d'exploitation" in page
    assert "Uniformisation du parcours client" in page
    assert "Contributions aux initiatives de simplification" in page  # section of a contribution
    assert "Culture de données" in page  # topic of another contribution


def test_initiative_page_shows_indicators_and_measurements(reader_client, edition):
    from benefits.models import Indicator, Measurement

    indicator = Indicator.objects.filter(benefit__initiative__code="2.2.3", unit="%").first()
    indicator.baseline, indicator.target, indicator.threshold = 40, 80, 60
    indicator.save()
    Measurement.objects.create(indicator=indicator, measured_on="2024-04-01", value="55.5")
    page = text_of(reader_client.get(reverse("initiatives:detail", args=[BODY, YEAR, "2.2.3"])))
    assert f"Indicateur : {indicator.name} (%)" in page
    assert "Valeur de départ 40" in page and "Cible 80" in page and "Seuil 60" in page
    assert "Mesure du 1er avril 2024 : 55,5" in page


def test_dependencies_show_on_both_initiatives(reader_client):
    page = text_of(reader_client.get(reverse("initiatives:detail", args=[BODY, YEAR, "2.3.1"])))
    assert "Liée à 2.2.5 Inventaire du financement de la recherche" in page
    page = text_of(reader_client.get(reverse("initiatives:detail", args=[BODY, YEAR, "2.2.5"])))
    assert "Liée à 2.3.1 Améliorer l" in page


def test_unknown_initiative_is_404(reader_client):
    assert (
        reader_client.get(reverse("initiatives:detail", args=[BODY, YEAR, "9.9.9"])).status_code
        == 404
    )


def test_benefits_page_totals_by_ambition_and_plan(reader_client):
    page = text_of(reader_client.get(reverse("benefits:summary", args=[BODY, YEAR])))
    assert "2,1 M$ pour l'ensemble du plan (2 105 000 $)" in page
    assert re.search(r"1\.1 Nos clients sont au centre .*? 2 000 000 \$", page)
    assert re.search(r"2\.2 Les services publics .*? 105 000 \$", page)
    assert "Total du plan 2 105 000 $" in page
    assert ": 2 M$ sur 5 ans d'exploitation" in page
    assert ": 105 k$ sur 5 ans d'exploitation" in page


def test_risks_register_lists_plan_risks_with_mitigations(reader_client):
    page = text_of(reader_client.get(reverse("roadmap:risks", args=[BODY, YEAR])))
    # 4 plan risks, and 2 of the demo's 3 initiative risks (the third has no mitigation yet).
    assert page.count("Mesures de gestion et d'atténuation") == 6
    assert page.count("Aucune mesure d'atténuation n'est documentée.") == 1
    assert "Non-disponibilité des ressources financières et humaines" in page
    assert "Dossiers de décision" in page
    assert "Leadership renforcé" in page or "leadership renforcé" in page


def test_every_section_reads_in_order_with_its_title(reader_client, edition):
    index = reader_client.get(reverse("roadmap:sections", args=[BODY, YEAR])).content.decode()
    sections = list(edition.sections.all())
    positions = [index.index(f"sections/{s.key}/") for s in sections]
    assert positions == sorted(positions)
    for section in sections:
        response = reader_client.get(reverse("roadmap:section", args=[BODY, YEAR, section.key]))
        assert response.status_code == 200, section.key
        assert f"<h1>{html_lib.escape(section.title)}</h1>" in response.content.decode()


def test_messages_show_the_signature_block(reader_client):
    page = text_of(
        reader_client.get(reverse("roadmap:section", args=[BODY, YEAR, "message-sous-ministre"]))
    )
    assert "Chers collègues" in page
    assert "(Signature à insérer) Jonathan Gignac Sous-ministre" in page


def test_principles_keep_their_footnotes(reader_client):
    html = reader_client.get(
        reverse("roadmap:section", args=[BODY, YEAR, "principes-directeurs"])
    ).content.decode()
    assert 'class="footnote"' in html
    assert "Un citoyen est une personne physique ou une personne morale" in html


def test_thematic_sections_are_generated_from_contributions(reader_client, edition):
    url = reverse("roadmap:section", args=[BODY, YEAR, "simplification"])
    page = text_of(reader_client.get(url))
    for code in ["1.1.1", "1.2.1", "1.2.2", "2.1.3"]:
        assert code in page
    initiative = edition.initiatives.get(code="1.2.2")
    initiative.title = "Titre changé dans la fiche"
    initiative.save()
    assert "1.2.2 Titre changé dans la fiche" in text_of(reader_client.get(url))


def test_ai_section_names_its_projects(reader_client):
    page = text_of(
        reader_client.get(
            reverse("roadmap:section", args=[BODY, YEAR, "intelligence-artificielle"])
        )
    )
    assert "(DLP)" in page and "(EDR)" in page and "hyper-automatisation" in page


def test_annex_shows_the_integration_schema(reader_client):
    page = text_of(reader_client.get(reverse("roadmap:section", args=[BODY, YEAR, "annexe"])))
    assert re.search(
        r"Orientation 3 — Assurer une gestion responsable de nos ressources.*?Orientation 2 — Mettre en place une organisation efficace",
        page,
    )


def test_narrative_text_is_sanitised_on_the_page(reader_client, edition):
    section = edition.sections.get(key="note-au-lecteur")
    section.body = 'Texte <script>alert("x")</script><img src="http://127.0.0.1:9/x">'
    section.save()
    html = reader_client.get(
        reverse("roadmap:section", args=[BODY, YEAR, "note-au-lecteur"])
    ).content.decode()
    assert 'alert("x")' not in html and "127.0.0.1:9" not in html


def test_english_switch_translates_the_interface(reader_client):
    response = reader_client.post(
        reverse("set_language"),
        {"language": "en", "next": reverse("roadmap:roadmap", args=[BODY, YEAR])},
    )
    assert response.status_code == 302
    page = text_of(reader_client.get(reverse("roadmap:roadmap", args=[BODY, YEAR])))
    assert "Roadmap" in page and "Funded" in page
    assert "Feuille de route" not in page.split("Roadmap", 1)[1][:200]


def test_french_is_served_whatever_the_browser_asks(reader_client):
    page = text_of(
        reader_client.get(
            reverse("roadmap:roadmap", args=[BODY, YEAR]), HTTP_ACCEPT_LANGUAGE="en-US,en"
        )
    )
    assert "Feuille de route" in page and "Financée" in page


def test_comparison_with_a_single_edition_says_there_is_nothing_to_compare(reader_client):
    response = reader_client.get(reverse("roadmap:compare", args=[BODY, YEAR]))
    main = response.content.decode().split('<main id="contenu"', 1)[1]
    assert "Il n'y a rien à comparer : l'édition 2023-2024 est la seule édition du plan." in (
        text_of(response)
    )
    assert "<form" not in main and "<select" not in main  # no form with nothing to choose


# --- History: filters and pages ----------------------------------------------------------------


def history_entries(response) -> list[str]:
    """The text of each change listed on a history page, newest first."""
    html = response.content.decode()
    listing = (
        html.split('<ol class="ptn-history">', 1)[1].split("</ol>", 1)[0]
        if ('<ol class="ptn-history">' in html)
        else ""
    )
    items = re.findall(r'<p class="ptn-history-head">(.*?)</p>', listing, flags=re.S)
    return [" ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", i)).split()) for i in items]


def retitle(initiative, titles: list[str], *, by, on: str | None = None) -> None:
    """Save ``initiative`` once per title, as ``by``; ``on`` (ISO date and time in Québec)
    backdates the changes."""
    for title in titles:
        initiative.title = title
        initiative._history_user = by
        initiative.save()
    if on:
        initiative.history.filter(title__in=titles).update(
            history_date=datetime.datetime.fromisoformat(on).replace(tzinfo=QUEBEC)
        )


def test_history_is_cut_into_pages_newest_first(reader_client, edition):
    pslu = edition.initiatives.get(code="1.1.1")
    coordinator = User.objects.get(username="coordonnateur")
    retitle(pslu, [f"Titre révisé {n}" for n in range(1, 61)], by=coordinator)
    url = reverse("roadmap:history", args=[BODY, YEAR])

    first = reader_client.get(url)
    entries = history_entries(first)
    assert len(entries) == 50
    assert "« 1.1.1 »" in entries[0] and "Titre révisé 59 → Titre révisé 60" in text_of(first)
    assert "page 1 de" in text_of(first)
    assert 'rel="next" href="?page=2"' in first.content.decode()

    assert "Titre révisé 10 → Titre révisé 11" in text_of(first)  # the 50th change
    second = reader_client.get(url + "?page=2")
    assert "Titre révisé 9 → Titre révisé 10" in text_of(second)
    assert "Titre révisé 10 → Titre révisé 11" not in text_of(second)
    assert 'rel="prev" href="?page=1"' in second.content.decode()
    # A page number out of range shows the last page rather than an error.
    assert reader_client.get(url + "?page=999").status_code == 200


def test_history_filters_by_initiative_person_and_dates(reader_client, edition):
    coordinator = User.objects.get(username="coordonnateur")
    lead = User.objects.get(username="responsable")
    pslu, sdm = edition.initiatives.get(code="1.1.1"), edition.initiatives.get(code="2.2.3")
    retitle(pslu, ["PSLU en janvier"], by=coordinator, on="2025-01-15 12:00")
    retitle(sdm, ["SDM en mars"], by=coordinator, on="2025-03-01 00:10")
    retitle(pslu, ["PSLU en mars"], by=lead, on="2025-03-31 23:50")  # 1 April in UTC
    retitle(sdm, ["SDM en avril"], by=lead, on="2025-04-01 00:10")
    url = reverse("roadmap:history", args=[BODY, YEAR])

    by_initiative = text_of(reader_client.get(f"{url}?initiative={pslu.pk}"))
    assert "→ PSLU en janvier" in by_initiative and "→ PSLU en mars" in by_initiative
    assert "→ SDM en mars" not in by_initiative
    by_person = text_of(reader_client.get(f"{url}?person={coordinator.pk}"))
    assert "→ PSLU en janvier" in by_person and "→ SDM en mars" in by_person
    assert "→ PSLU en mars" not in by_person
    # Both dates are included, whole days in Québec's time zone.
    in_march = text_of(reader_client.get(f"{url}?start=2025-03-01&end=2025-03-31"))
    assert "→ SDM en mars" in in_march and "→ PSLU en mars" in in_march
    assert "→ PSLU en janvier" not in in_march and "→ SDM en avril" not in in_march
    assert "2 modifications inscrites correspondent aux filtres." in in_march
    combined = reader_client.get(f"{url}?initiative={pslu.pk}&person={lead.pk}&end=2025-12-31")
    assert len(history_entries(combined)) == 1 and "PSLU en mars" in text_of(combined)


def test_an_initiative_page_shows_its_latest_changes_and_links_to_all_of_them(
    reader_client, edition
):
    coordinator = User.objects.get(username="coordonnateur")
    pslu = edition.initiatives.get(code="1.1.1")
    retitle(pslu, [f"Version {n}" for n in range(1, 16)], by=coordinator)
    page = reader_client.get(reverse("initiatives:detail", args=[BODY, YEAR, "1.1.1"]))
    entries = history_entries(page)
    assert len(entries) == 10
    assert "Version 14 → Version 15" in text_of(page)
    assert "Version 5 → Version 6" in text_of(page)  # the tenth latest
    assert "Version 4 → Version 5" not in text_of(page)
    link = re.search(r'<a href="([^"]+)">Toutes les modifications de l', page.content.decode())
    everything = reader_client.get(html_lib.unescape(link[1]))
    assert "Version 4 → Version 5" in text_of(everything)
    assert "→ Version 1" in text_of(everything)


def test_the_pages_of_a_filtered_history_keep_their_filters(reader_client, edition):
    coordinator = User.objects.get(username="coordonnateur")
    pslu = edition.initiatives.get(code="1.1.1")
    retitle(pslu, [f"Version {n}" for n in range(1, 56)], by=coordinator)
    url = reverse("roadmap:history", args=[BODY, YEAR])
    html = reader_client.get(f"{url}?person={coordinator.pk}").content.decode()
    assert f'rel="next" href="?person={coordinator.pk}&amp;page=2"' in html


def test_an_invalid_history_filter_is_explained_in_french_and_ignored(reader_client):
    url = reverse("roadmap:history", args=[BODY, YEAR])
    response = reader_client.get(f"{url}?start=2025-03-31&end=2025-03-01&person=abc")
    page = text_of(response)
    assert "La date de fin ne peut pas précéder la date de début." in page
    assert "Sélectionnez un choix valide" in page
    assert len(history_entries(response)) == 50  # the whole history, first page


def test_a_section_page_moves_its_text_headings_under_its_own_title(reader_client):
    """Written under the report's h2, the text's « ### » is an h3 in the PDF; on the section's
    own page, whose title is the h1, it is an h2 (and a « # » never rivals the h1)."""
    from roadmap.models import Section

    section = Section.objects.get(edition__fiscal_year="2023-2024", key="principes-directeurs")
    Section.objects.filter(pk=section.pk).update(
        body="### Contexte\n\nTexte.\n\n#### Détail\n\nSuite."
    )
    page = reader_client.get(
        reverse("roadmap:section", args=["meie", "2023-2024", "principes-directeurs"])
    ).content.decode()
    assert "<h2>Contexte</h2>" in page and "<h3>Détail</h3>" in page
    assert len(re.findall(r"<h1\b", page)) == 1


def test_page_headings_never_makes_plain_text_safe():
    """The filter only renames heading tags: sanitised Markdown stays markup, plain text stays
    text and is escaped."""
    from django.template import Context, Template

    template = Template("{% load ptn %}{{ text|page_headings:1 }}")
    page = template.render(Context({"text": "<h3>Titre</h3><script>x()</script>"}))
    assert "&lt;h2&gt;Titre&lt;/h2&gt;&lt;script&gt;" in page and "<script>" not in page
