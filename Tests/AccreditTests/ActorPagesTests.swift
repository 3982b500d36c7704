import AccreditContent
import AccreditEngine
@testable import AccreditSite
import Foundation
import Testing

@Suite("board/: the review board's agenda")
struct BoardPageTests {
  @Test func casesAtTheBoardLongestWaitingFirst() throws {
    let page = try sampleSiteContext().boardPage()
    #expect(page.openCases.map(\.id) == ["HL-2026-007", "LS-2026-012"])
    #expect(page.openCases.map(\.daysAtStage) == ["12 days", "5 days"])
    #expect(page.openCases.map(\.isSerious) == [true, false])
    #expect(page.openCases.first?.href == "../partners/harborlight-systems/cases/HL-2026-007/")
  }

  @Test func partnerAtTheThresholdAndNoneBelowOrAbove() throws {
    let page = try sampleSiteContext().boardPage()
    // Contoso has exactly 3 marks (the threshold); Wingtip (5) and Proseware (4) are past it.
    #expect(page.atThreshold.map(\.partner.name) == ["Contoso Consulting"])
    #expect(page.atThreshold.map(\.marks) == [3])
  }

  @Test func marksReviewsShowTheLastRetainAndTheDeadline() throws {
    let page = try sampleSiteContext().boardPage()
    let wingtip = page.marksReviews.filter { $0.partner.name == "Wingtip Partners" }
    #expect(!wingtip.isEmpty)
    for row in wingtip {
      #expect(row.marks == 5)
      #expect(row.latestMark.iso == "2026-11-15" && row.latestMarkCase == "WT-2026-009")
      #expect(row.lastRetain?.iso == "2026-04-10")
      #expect(row.needs == "needs a retain decision dated on or after 15 Nov 2026")
      #expect(row.deadline != nil)
    }
    // Nearest deadline first.
    let deadlines = page.marksReviews.compactMap { $0.deadline?.iso }
    #expect(deadlines == deadlines.sorted())
  }

  @Test func seriousReviewNamesTheCase() throws {
    let page = try sampleSiteContext().boardPage()
    #expect(page.seriousReviews.map(\.caseID) == ["HL-2026-007"])
    #expect(page.seriousReviews.first?.accreditations == "CRM Implementation, Onboarding Excellence")
    #expect(page.seriousReviews.first?.deadline?.iso == "2026-12-31")
  }

  @Test func decisionsOfTheLastNinetyDaysOnly() throws {
    let page = try sampleSiteContext().boardPage()
    #expect(page.decisionsSince.iso == "2026-08-17")
    // WT-2026-009's mark is dated today; Proseware's retain of 14 Aug is 93 days old; LS-2026-012's
    // outcome of 25 Nov is in the future.
    #expect(page.decisions.map(\.caseID) == ["WT-2026-009"])
    #expect(page.decisions.first?.decision == "Mark placed")
  }
}

@Suite("actions/: what needs doing")
struct ActionsPageTests {
  @Test func openCasesAreDueTodayWithDaysAtTheirStage() throws {
    let page = try sampleSiteContext().actionsPage(1)
    let rows = page.weeks.flatMap(\.rows)
    let today = rows.filter { $0.date.iso == "2026-11-15" }
    #expect(today.allSatisfy { $0.inDays == "today" })
    let lakeshore = try #require(today.first { $0.what.hasPrefix("Case LS-2026-009") })
    #expect(lakeshore.what == "Case LS-2026-009 open at mediation")
    #expect(lakeshore.reason == "at mediation for 16 days, since 30 Oct 2026")
    // A case whose first step is after the date is not open yet.
    #expect(!rows.contains { $0.what.contains("NW-2026-023") })
  }

  @Test func aRevokedAccreditationIsAbsent() throws {
    let rows = try sampleSiteContext().actionsPage(1).weeks.flatMap(\.rows)
    #expect(!rows.contains { $0.partnerName == "Meridian Works" && $0.what.hasPrefix("Evaluation") })
    #expect(!rows.contains { $0.partnerName == "Quarry Lane Digital" && $0.what == "Evaluation of CRM Implementation" })
    #expect(!rows.flatMap(\.effects).contains { $0.now?.key == "revoked" })
  }

  @Test func rowsAreInDateOrderGroupedInWeeksFromToday() throws {
    let page = try sampleSiteContext().actionsPage(1)
    let dates = page.weeks.flatMap(\.rows).map(\.date.iso)
    #expect(dates == dates.sorted())
    #expect(page.weeks.first?.label == "15 Nov 2026 – 21 Nov 2026")
    for week in page.weeks {
      let start = try #require(week.id.split(separator: "-", maxSplits: 1).last.map(String.init))
      #expect(week.rows.allSatisfy { $0.date.iso >= start && $0.date.iso <= Day(start).adding(days: 6).iso })
    }
    #expect(dates.last.map { $0 <= "2027-01-14" } ?? true)
  }

  @Test func theProjectionIsTheUpcomingReportsAndTheReasonIsPlain() throws {
    let rows = try sampleSiteContext().actionsPage(1).weeks.flatMap(\.rows)
    let expiries = rows.filter { $0.what.hasPrefix("Certification") }
    #expect(!expiries.isEmpty)
    for row in expiries {
      let name = row.what.dropFirst("Certification ".count).dropLast(" expires".count)
      let lapse =
        row.date.iso == "2026-11-15" ? "renew \(name): it lapses today" : "renew \(name) before \(row.date.display)"
      #expect(row.reason == lapse)
    }
    #expect(rows.allSatisfy { $0.partnerName == nil || !$0.pdm.isEmpty })
  }

  @Test func aGraceEndFollowedByAnotherSaysSo() throws {
    let rows = try sampleSiteContext().actionsPage(1).weeks.flatMap(\.rows)
    let fabrikam = try #require(rows.first { $0.partnerName == "Fabrikam Solutions" && $0.what.hasPrefix("Grace") })
    #expect(fabrikam.date.iso == "2026-11-15" && fabrikam.inDays == "today")
    #expect(fabrikam.reason == "another grace period runs until 31 Jan 2027 (tier now Gold)")
  }

  @Test func pagesSplitTheItemsWithoutLosingAny() throws {
    let site = try sampleSiteContext()
    let all = site.actionItems.count
    #expect(site.actionsPageCount == max(1, (all + ActionsPage.pageSize - 1) / ActionsPage.pageSize))
    #expect(site.actionsPage(1).weeks.flatMap(\.rows).count == min(all, ActionsPage.pageSize))
  }
}

@Suite("pdms/: the PDMs' portfolios")
struct PDMPagesTests {
  @Test func everyPartnerIsInExactlyOnePortfolioAndNoPDMComesLast() throws {
    let site = try sampleSiteContext()
    let portfolios = site.portfolios
    #expect(
      portfolios.map(\.name) == [
        "Daniel Okafor", "Jana Kowalski", "Marcus Bell", "Priya Natarajan", "Sofia Herrera", "No PDM",
      ])
    #expect(portfolios.map(\.slug).last == "no-pdm")
    let all = portfolios.flatMap(\.partners)
    #expect(all.count == site.evaluations.count && Set(all).count == all.count)
  }

  /// "The PDM is informed and kept updated on the process": their feed has their partners' case steps and
  /// outcomes, marks, decisions and status changes, and nothing of other partners.
  @Test func aPDMsFeedFollowsTheirPartnersCasesAndStatuses() throws {
    let site = try sampleSiteContext()
    let jana = try #require(site.portfolios.first { $0.name == "Jana Kowalski" })
    let feed = site.pdmFeed(jana)
    let base = "https://status.example.internal/"
    #expect(feed.feedURL == base + "pdms/jana-kowalski/feed.xml")
    let partners = ["litware-labs", "northwind-digital", "proseware-group"].map { base + "partners/\($0)/" }
    #expect(
      !feed.entries.isEmpty && feed.entries.allSatisfy { entry in partners.contains { entry.link.hasPrefix($0) } })
    #expect(Set(feed.entries.map(\.id)).count == feed.entries.count)
    let step = try #require(
      feed.entries.first { $0.title == "Northwind Digital: case NW-2026-019 at the mediation stage" })
    #expect(step.link == base + "partners/northwind-digital/cases/NW-2026-019/")
    #expect(feed.entries.contains { $0.title.contains("closed: mark placed") })
    #expect(feed.entries.contains { $0.id.contains("#status-") } && feed.entries.contains { $0.id.contains("#mark-") })
    #expect(zip(feed.entries, feed.entries.dropFirst()).allSatisfy { $0.updated >= $1.updated })
    // A month later the same events keep their ids: a feed reader shows each once.
    let later = try sampleSiteContext(asOf: "2026-12-15")
    let laterFeed = later.pdmFeed(try #require(later.portfolios.first { $0.name == "Jana Kowalski" }))
    #expect(laterFeed.entries.first { $0.title == step.title }?.id == step.id)
    #expect(site.pdmPage(jana).feedHref == "feed.xml")
  }

  @Test func folderNamesAreLowerCaseWordsJoinedByDashes() {
    #expect(SiteContext.folderName("Jana Kowalski") == "jana-kowalski")
    #expect(SiteContext.folderName("  O'Neil, Ana ") == "o-neil-ana")
    #expect(SiteContext.folderName("Åsa") == "sa")
    #expect(SiteContext.folderName("—") == "pdm")
  }

  @Test func aPortfolioHasItsPartnersReasonsActionsAndOpenCases() throws {
    let site = try sampleSiteContext()
    let jana = try #require(site.portfolios.first { $0.name == "Jana Kowalski" })
    let page = site.pdmPage(jana)
    #expect(page.partners.map(\.name) == ["Litware Labs", "Northwind Digital", "Proseware Group"])
    let proseware = try #require(page.partners.last)
    #expect(proseware.accreditations.contains { $0.reason.hasPrefix("4 marks on record") })
    #expect(page.openCases.map(\.id).sorted() == ["LW-2026-016", "NW-2026-019"])
    #expect(
      page.actions.allSatisfy {
        ["Litware Labs", "Northwind Digital", "Proseware Group"].contains($0.partnerName ?? "")
      })
    #expect(page.actions.contains { $0.what == "Case NW-2026-019 open at mediation" && $0.inDays == "today" })
    let index = site.pdmIndexPage(site.portfolios)
    let row = try #require(index.rows.first { $0.name == "Jana Kowalski" })
    #expect(row.partners == "3" && row.openCases == "2" && row.dueItems == String(page.actions.count))
  }

  /// Sofia Herrera's three partners (Adventure Works and Meridian Works revoked, Cobalt River ineligible) have nothing
  /// dated in the next 60 days and no open case: the page says so, and her row counts none.
  @Test func aPDMWithNothingDueSaysSo() throws {
    let site = try sampleSiteContext()
    let sofia = try #require(site.portfolios.first { $0.name == "Sofia Herrera" })
    let page = site.pdmPage(sofia)
    #expect(page.partners.count == 3)
    #expect(page.actions.isEmpty && !page.hasActions && page.openCases.isEmpty && !page.hasOpenCases)
    let row = try #require(site.pdmIndexPage(site.portfolios).rows.first { $0.name == "Sofia Herrera" })
    #expect(row.dueItems == "0" && row.openCases == "0")
    let html = try String(
      contentsOf: repositoryRoot.appendingPathComponent("public/pdms/sofia-herrera/index.html"), encoding: .utf8)
    #expect(html.contains("Nothing is due and no case is open."))
  }

  @Test func aPortfoliosItemsAreTheProgramsItemsOfItsPartnersInTheirOrder() throws {
    let site = try sampleSiteContext()
    func listed(_ items: [ActionItem]) -> [String] { items.map { "\($0.date.iso) \(String(describing: $0))" } }
    let portfolios = site.portfolios
    #expect(portfolios.contains { !site.actionItems(of: Set($0.partners)).isEmpty })
    for portfolio in portfolios + [PDMPortfolio(name: "Nobody", slug: "nobody", partners: [])] {
      let slugs = Set(portfolio.partners)
      let filtered = site.actionItems.filter { $0.partner.map(slugs.contains) ?? false }
      #expect(listed(site.actionItems(of: slugs)) == listed(filtered))
    }
  }
}
