"""Pages and pasted text without structured data: the fields a reader would pick out."""

from __future__ import annotations

import pytest

from jobs.heuristics import job_from_page, job_from_text


def page(title: str, body: str, head: str = "") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def test_a_generic_browser_title_is_not_the_job_title_the_heading_is():
    job = job_from_page(
        page(
            "Careers - Job details",
            "<main><h1>Warehouse Team Lead</h1><p>Lead a shift of twelve in our depot.</p></main>",
        )
    )

    assert job["title"] == "Warehouse Team Lead"


def test_title_label_wins_over_the_browser_title():
    job = job_from_page(
        page("Job Detail", "<main><p>Title: Payroll Officer</p><p>Company: Finch Ltd</p></main>")
    )

    assert (job["title"], job["company"]) == ("Payroll Officer", "Finch Ltd")


@pytest.mark.parametrize(
    ("browser", "title", "company", "location"),
    [
        ("Data Engineer at Mosaic | Work at a Startup", "Data Engineer", "Mosaic", ""),
        (
            "Heidi hiring Platform Engineer in Melbourne, Victoria, Australia | LinkedIn",
            "Platform Engineer",
            "Heidi",
            "Melbourne, Victoria, Australia",
        ),
        ("Graduate Trader | Optiver | LinkedIn", "Graduate Trader", "Optiver", ""),
        ("「Java开发工程师招聘」_字节跳动招聘-BOSS直聘", "Java开发工程师", "字节跳动", ""),
    ],
)
def test_the_browser_titles_usual_shapes(browser, title, company, location):
    job = job_from_page(page(browser, ""))

    assert (job["title"], job["company"], job["location"]) == (title, company, location)


def test_site_name_is_the_company_only_when_nothing_better_exists():
    head = '<meta property="og:site_name" content="Harbour Bakery">'
    alone = job_from_page(page("Head Baker", "<main><h1>Head Baker</h1></main>", head))
    hiring = job_from_page(page("Head Baker at Crumb & Co | Harbour Jobs", "", head))

    assert alone["company"] == "Harbour Bakery"
    assert hiring["company"] == "Crumb & Co"


def test_the_url_slug_gives_a_title_when_nothing_else_does():
    head = '<link rel="canonical" href="https://jobs.example/job/Senior-Site-Engineer_R12345">'

    assert job_from_page(page("", "", head))["title"] == "Senior Site Engineer"


def test_marked_elements_give_title_company_and_location():
    job = job_from_page(
        page(
            "Vacancies",
            '<div><span class="job-title">Civil Engineer</span> / <span>Roads Department</span>'
            '</div><div class="job-location">Amman</div><p>Design roads.</p>',
        )
    )

    assert (job["title"], job["company"], job["location"]) == (
        "Civil Engineer",
        "Roads Department",
        "Amman",
    )


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("Koch\nStandort: Hamburg\nGehalt: 3.200 € brutto", "location", "Hamburg"),
        ("Koch\nStandort: Hamburg\nGehalt: 3.200 € brutto", "salary", "3.200 € brutto"),
        ("Analyste\nLieu : Lyon", "location", "Lyon"),
        ("开发工程师\n地点：北京\n薪资：25-50K", "salary", "25-50K"),
        ("Engineer\nEmployment type\nPart-Time", "employment_type", "Part-time"),
        (
            "Engineer\n\nThe role is located in Gainesville, FL at our lab.",
            "location",
            "Gainesville, FL",
        ),
        ("[Remote] Backend Engineer\nBuild APIs.", "location", "Remote"),
        ("[Remote] Backend Engineer\nBuild APIs.", "title", "Backend Engineer"),
        ("Engineer\nWe work in a hybrid model, two days in the office.", "location", "Hybrid"),
    ],
)
def test_labels_and_patterns_in_pasted_text(text, field, value):
    assert job_from_text(text)[field] == value


@pytest.mark.parametrize(
    "text",
    [
        "Engineer\n\nLast year we raised $100 m from leading investors.",
        "Engineer\n\nWe are a $30 billion company with $2.5bn in revenue.",
        "Engineer\n\nEvery engineer gets a EUR 1,500 learning budget a year.",
    ],
)
def test_funding_revenue_and_budgets_are_never_salaries(text):
    assert job_from_text(text)["salary"] == ""


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("Engineer\n\nNote: open to the USA. WEX is a company focused on payments.", "WEX"),
        ("Engineer\n\nParcelly is hiring a backend engineer.", "Parcelly"),
        ("Engineer\n\nAbout Brightside Coffee\nWe roast beans.", "Brightside Coffee"),
    ],
)
def test_hiring_company_phrases(text, company):
    assert job_from_text(text)["company"] == company


def test_a_place_right_under_the_heading_is_the_location():
    job = job_from_page(
        page(
            "Partnership Manager | Riot Games",
            "<main><h1>Partnership Manager</h1><div>Seoul, Korea<p>Job Id: 42</p></div>"
            "<p>Build partnerships across the region.</p></main>",
        )
    )

    assert job["location"] == "Seoul, Korea"


def test_greenhouse_browser_title():
    job = job_from_page(page("Job Application for Data Analyst at Nutrafol", ""))

    assert (job["title"], job["company"]) == ("Data Analyst", "Nutrafol")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Consulent\n\nContractueel – voltijds (38u)", "Full-time"),
        ("Koch\n\nWir suchen Sie in Teilzeit.", "Part-time"),
        ("Vendeur\n\nPoste en CDI à temps plein.", "Full-time"),
    ],
)
def test_full_and_part_time_in_other_languages(text, kind):
    assert job_from_text(text)["employment_type"] == kind


def test_a_title_with_and_in_another_language_is_not_split_into_a_company():
    job = job_from_text("Consulent onthaalouders en Huis van het Kind\n\nWat doe je?")

    assert (job["title"], job["company"]) == ("Consulent onthaalouders en Huis van het Kind", "")


def test_a_generic_vacancy_heading_is_not_the_title():
    assert job_from_text("Vacature\n\nMedewerker onthaal\n\nWat doe je?")["title"] == (
        "Medewerker onthaal"
    )


def test_a_salary_label_gives_the_figure_not_the_whole_sentence():
    text = "Technician\nSalary: Approximately $46,000 per year, commensurate with experience."

    assert job_from_text(text)["salary"] == "$46,000 per year"


def test_a_range_whose_currency_follows_its_second_figure_is_read_whole():
    text = (
        "Senior Backend Engineer at Acme GmbH, Berlin (hybrid). Full-time. "
        "Salary 70,000-90,000 EUR. Apply now."
    )

    assert job_from_text(text)["salary"] == "70,000-90,000 EUR"  # not its upper bound alone
    assert job_from_text("Founded 2015-2020 EUR")["salary"] == ""  # no pay word: not a salary


def test_a_heading_over_a_sentence_is_not_a_label():
    text = "Data Engineer\n\nRole\nYou will build the pipelines our analysts rely on every day."

    assert job_from_text(text)["title"] == "Data Engineer"


def test_navigation_lines_are_not_titles():
    text = "Back to jobs\nNew\n\nJunior Product Designer\n\nBerlin\n\nJoin Acme as a designer."

    assert job_from_text(text)["title"] == "Junior Product Designer"


def test_labels_run_together_on_one_line_are_read_apart():
    text = (
        "Product Designer\n\nJob Title: Product Designer Company: N26 Location: Berlin, Germany "
        "Job Type: Full-Time Category: Design"
    )
    job = job_from_text(text)

    assert (job["title"], job["company"], job["location"], job["employment_type"]) == (
        "Product Designer",
        "N26",
        "Berlin, Germany",
        "Full-time",
    )
