import AccreditContent
import AccreditEngine
import AccreditFixtures
@testable import AccreditSite
import Foundation
import Testing

/// `count` healthy partners named `Partner 0001`… without a PDM, each with one CRM accreditation.
private func healthyProgram(_ count: Int) -> Content {
  var files: [String: String] = [:]
  for number in 1...count {
    let name = "Partner " + String(String(number + 10_000).dropFirst())
    files["partners/p\(number).yaml"] = healthyPartner.replacingOccurrences(of: "Test Partner", with: name)
  }
  return Tree(files).load().content
}

@Suite("Brief reasons from the engine")
struct BriefReasonTests {
  @Test func eachRuleHasItsFewWordsAndDatesOfAnotherYearKeepTheYear() throws {
    let expired = healthyPartner.replacingOccurrences(of: "expires: 2027-06-01", with: "expires: 2026-09-30")
    let reasons = try #require(evaluate(partner: expired, asOf: "2026-11-15")).accreditations.flatMap(\.reasons)
    #expect(reasons.map(\.brief) == ["cert expired 30 Sep"])
    let lastYear = try #require(evaluate(partner: expired, asOf: "2027-01-05")).accreditations.flatMap(\.reasons)
    #expect(lastYear.map(\.brief) == ["cert expired 30 Sep 2026"])

    let graced =
      healthyPartner.replacingOccurrences(of: "tier: platinum }", with: "tier: gold }")
      + "\ngrace:\n  - { from: 2026-02-01, until: 2026-12-01 }\n"
    let grace = try #require(evaluate(partner: graced, asOf: "2026-11-15")).accreditations.flatMap(\.reasons)
    #expect(grace.map(\.brief) == ["grace ends 1 Dec"])

    let marks = (1...5).reduce(into: [String: String]()) { $0["M-\($1)"] = markCase(on: "2026-0\($1)-01") }
    let marked = try #require(evaluate(partner: healthyPartner, cases: marks, asOf: "2026-11-15"))
    #expect(marked.accreditations.flatMap(\.reasons).map(\.brief) == ["5 marks"])
  }
}

@Suite("The overview: status cards, due soon, funnel")
struct OverviewTests {
  @Test func statusCardsCountAccreditationsAndPartnersAndLinkToTheFilteredList() throws {
    let page = try sampleSiteContext().homePage()
    let cards = Dictionary(uniqueKeysWithValues: page.counts.map { ($0.status.key, $0) })
    let underReview = try #require(cards["under-review"])
    // Harborlight holds two accreditations under review, Proseware and Wingtip one each.
    #expect(underReview.count == "4" && underReview.countNoun == "accreditations")
    #expect(underReview.partners == "at 3 partners")
    #expect(underReview.href == "index.html?status=under-review#partners")
    #expect(cards["accredited"]?.count == "8" && cards["accredited"]?.partners == "at 7 partners")
  }

  @Test func countsHaveThousandsSeparators() {
    let site = siteContext(healthyProgram(1_000), asOf: "2026-11-15")
    let history = site.historyPage(1)
    #expect(history.accreditationRows.last?.total == "1,000")
    #expect(history.partnerRows.last?.counts == ["1,000"])
    let page = site.homePage()
    #expect(page.partnerCount == "1,000 partners")
    #expect(page.accreditationCount == "1,000 accreditations")
    #expect(page.counts.first { $0.status.key == "accredited" }?.count == "1,000")
    #expect(page.counts.first { $0.status.key == "accredited" }?.partners == "at 1,000 partners")
    #expect(page.list.rangeText == "Partners 1–50 of 1,000")
  }

  /// Only the items shown are worded: the list is the first `dueLimit` of every item of the calendar
  /// worded and sorted, and "more" counts the rest.
  @Test func theDueListIsTheFirstItemsOfTheWholeCalendar() throws {
    var files: [ContentFile] = []
    FixtureGenerator(partners: 300, casesPerPartner: 2, seed: 5).generate { path, text in
      files.append(ContentFile(path: path, text: text))
    }
    let site = siteContext(ContentLoader.load(files).content, asOf: "2026-11-15")
    let whole = site.dueSoon(limit: .max)
    #expect(whole.items.count == whole.count && whole.count > HomePage.dueLimit)
    let page = site.homePage()
    let line = { (item: HomePage.DueItem) in
      [item.date.iso, item.inDays, item.kind, item.detail ?? "", item.partners.map(\.name).joined(separator: ",")]
    }
    #expect(page.dueSoon.map(line) == whole.items.prefix(HomePage.dueLimit).map(line))
    #expect(page.moreDue == "and \(grouped(whole.count - HomePage.dueLimit)) more in the next \(soonDays) days")
  }

  @Test func theDueListStartsWithWhatFallsDueToday() throws {
    let due = try sampleSiteContext().homePage().dueSoon
    // Fabrikam's grace period and Litware's payments certification both end on the date itself.
    #expect(due.prefix(2).map(\.inDays) == ["today", "today"])
    #expect(due.prefix(2).map(\.kind) == ["Grace period ends", "Certification expires"])
  }

  @Test func theFunnelsIntroductionCountsTheCasesInWords() throws {
    #expect(try sampleSiteContext().homePage().caseCountText.hasPrefix("All "))
    #expect(HomePage.allCases(1) == "The one case" && HomePage.allCases(2) == "Both cases")
    #expect(HomePage.allCases(0) == "No cases" && HomePage.allCases(2_640) == "All 2,640 cases")
  }

  @Test func theFunnelIsWordsAndBarsWithNoPlacedText() throws {
    let page = try sampleSiteContext().homePage()
    #expect(page.funnel.map(\.label) == ["Complaint", "Mediation", "Partner ops", "Review board", "Marks placed"])
    #expect(page.funnel.first?.width == HomePage.funnelWidth)
    #expect(page.funnel.allSatisfy { $0.width <= HomePage.funnelWidth })
  }
}

@Suite("The partner list: order, why, due")
struct PartnerListRowTests {
  @Test func partnersNeedingActionComeBeforeThoseRevoked() throws {
    let names = try sampleSiteContext().listedPartners.map(\.name)
    #expect(
      names == [
        "Adventure Works Agency", "Cobalt River Media",  // ineligible
        "Harborlight Systems", "Proseware Group", "Wingtip Partners",  // under review
        "Fabrikam Solutions", "Litware Labs", "Northwind Digital", "Tailspin Interactive",  // at risk
        "Meridian Works", "Quarry Lane Digital",  // a revoked accreditation, the other accredited
        "Contoso Consulting", "Lakeshore Analytics", "Summit Peak Partners",  // accredited
        "Everbright Studio",  // no accreditation
      ])
  }

  @Test func theWhyColumnIsTheEnginesBriefReasonsEachOnce() throws {
    let site = try sampleSiteContext()
    let why = Dictionary(uniqueKeysWithValues: site.evaluations.map { ($0.name, site.partnerRow($0).why) })
    #expect(why["Tailspin Interactive"] == "cert expired 30 Sep")
    #expect(why["Wingtip Partners"] == "5 marks")
    #expect(why["Fabrikam Solutions"] == "grace ends 15 Nov")
    // Two accreditations under review for the same case: said once.
    #expect(why["Harborlight Systems"] == "serious case open")
    #expect(why["Meridian Works"] == "revoked 1 Oct 2025")
    #expect(why["Contoso Consulting"] == "")
  }

  @Test func dueIsTheFirstCalendarItemFromTodayOfAnyKind() throws {
    let site = try sampleSiteContext()
    let due = site.evaluations.reduce(into: [String: String]()) { $0[$1.name] = site.partnerRow($1).nextDueSort }
    #expect(due["Fabrikam Solutions"] == "2026-11-15")  // its grace period ends today
    #expect(due["Litware Labs"] == "2026-11-15")  // a certification expires today
    #expect(due["Quarry Lane Digital"] == "2026-12-01")  // a certification expiry, before its evaluation
    #expect(due["Cobalt River Media"] == "2027-01-01")  // the tier review, its tier being below the eligible
    #expect(due["Everbright Studio"] == "9999-12-31")
  }

  @Test func aPartnerWhoseEveryAccreditationIsRevokedHasNothingDue() throws {
    let revoked =
      healthyPartner.replacingOccurrences(of: "expires: 2027-06-01", with: "expires: 2026-12-01")
      + "\ndecisions:\n  - { date: 2026-10-01, accreditation: all, outcome: revoke, director_approval: true }\n"
    let content = Tree(["partners/p.yaml": revoked, "partners/q.yaml": healthyPartner]).load().content
    let site = siteContext(content, asOf: "2026-11-15")
    // Read alone first (as a record edit's pages read it), then from the whole table.
    let alone = siteContext(content, asOf: "2026-11-15")
    #expect(alone.evaluations.map { alone.nextDue(of: $0) == nil } == alone.evaluations.map { $0.slug == "p" })
    #expect(site.nextDue["p"] == nil)
    #expect(site.nextDue["q"] != nil)
  }

  /// A partner's next due date read alone (`nextDue(of:)`: a record edit's list page and its partner's row
  /// of `api/partners.json`) is its entry of the whole table, for every partner of the sample site, on days
  /// with a tier review ahead and without.
  @Test(arguments: ["2026-11-15", "2026-06-30", "2027-02-01"])
  func aPartnersDueDateReadAloneIsItsEntryOfTheWholeTable(asOf: String) throws {
    let alone = try sampleSiteContext(asOf: asOf)
    let table = try sampleSiteContext(asOf: asOf).nextDue
    for evaluation in alone.evaluations {
      #expect(alone.nextDue(of: evaluation) == table[evaluation.slug], "\(evaluation.slug)")
    }
    #expect(table.count > 3)
  }
}

@Suite("pdms/<pdm>/: paged")
struct PDMPagingTests {
  @Test func aLargePortfolioIsPagedWithItsOwnPartnersDueItemsOnEachPage() throws {
    let site = siteContext(healthyProgram(PDMPage.pageSize + 5), asOf: "2026-11-15")
    let portfolio = try #require(site.portfolios.first)
    #expect(portfolio.name == "No PDM" && portfolio.pageCount == 2)
    let first = site.pdmPage(portfolio)
    let second = site.pdmPage(portfolio, page: 2)
    #expect(first.heading == "Partners without a PDM", "not 'Portfolio of No PDM'")
    #expect(first.partners.count == PDMPage.pageSize && second.partners.count == 5)
    #expect(Set(first.partners.map(\.name)).isDisjoint(with: second.partners.map(\.name)))
    #expect(first.partnerCount == "45 partners" && second.partnerCount == "45 partners")
    #expect(second.rangeText == "Partners 41–45 of 45, by name")
    #expect(first.isPaged && first.nextHref == "page/2/" && first.previousHref == nil)
    #expect(second.previousHref == "../../" && second.nextHref == nil)
    #expect(second.pages.map(\.href) == ["../../", "./"])
    let secondNames = Set(second.partners.map(\.name))
    #expect(second.actions.allSatisfy { secondNames.contains($0.partnerName ?? "") })
    #expect(Route.pdm(portfolio, page: 2).file == "pdms/no-pdm/page/2/index.html")
  }

  @Test func aSmallPortfolioIsOnePage() throws {
    let site = try sampleSiteContext()
    let jana = try #require(site.portfolios.first { $0.name == "Jana Kowalski" })
    #expect(jana.pageCount == 1)
    let page = site.pdmPage(jana)
    #expect(!page.isPaged && page.nextHref == nil && page.previousHref == nil)
  }
}
