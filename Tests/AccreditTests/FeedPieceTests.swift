import AccreditContent
import AccreditEngine
import AccreditFixtures
@testable import AccreditSite
import Testing

/// A partner's feed, a PDM's feed and `feed.xml` are assembled from each partner's feed piece (its entries
/// worded once a render) and, for a PDM, its partners' case steps: they must give the same entries, in the same
/// order, as the feed made whole from every event of its partners (`feed(of:changes:path:title:caseSteps:)`).
@Suite("Feeds assembled from the partners' pieces")
struct FeedPieceTests {
  /// Each entry's fields, to compare feeds.
  private func lines(_ feed: FeedModel) -> [String] {
    feed.entries.map { [$0.id, $0.title, $0.updated, $0.link, $0.summary].joined(separator: " | ") }
  }

  /// The PDM's feed made whole: every event of its partners, their newest `feedLimit` status changes.
  private func wholeFeed(_ site: SiteContext, _ portfolio: PDMPortfolio) -> FeedModel {
    let members = portfolio.partners.compactMap { site.evaluationsBySlug[$0] }
    let changes = members.compactMap { site.partners[$0.slug] }
      .flatMap { site.statusChanges(in: site.history(of: $0)) }.sorted(by: site.newestFirst)
    return site.feed(
      of: members, changes: site.reasoned(changes.prefix(feedLimit)), path: Route.pdmFeed(slug: portfolio.slug).path,
      title: "\(site.content.site.title) · \(portfolio.heading)", caseSteps: true)
  }

  /// The partner's feed made whole.
  private func wholeFeed(_ site: SiteContext, _ evaluation: PartnerEvaluation) throws -> FeedModel {
    let partner = try #require(site.partners[evaluation.slug])
    return site.feed(
      of: [evaluation], changes: site.reasoned(site.statusChanges(in: site.history(of: partner)).prefix(feedLimit)),
      path: Route.partnerFeed(partner: evaluation.slug).path,
      title: "\(site.content.site.title) · \(evaluation.name)")
  }

  private func expectAssembledEqualsWhole(_ site: SiteContext, portfolios: [PDMPortfolio]) throws {
    for portfolio in portfolios {
      let assembled = site.pdmFeed(portfolio)
      #expect(lines(assembled) == lines(wholeFeed(site, portfolio)), "\(portfolio.slug)")
      #expect(assembled.feedURL.hasSuffix("pdms/\(portfolio.slug)/feed.xml"))
    }
    for evaluation in site.evaluations {
      #expect(lines(site.partnerFeed(evaluation)) == lines(try wholeFeed(site, evaluation)), "\(evaluation.slug)")
    }
    let whole = site.feed(
      of: site.evaluations, changes: site.reasoned(site.programChanges(since: nil).prefix(feedLimit)),
      path: Route.feed.path, title: site.content.site.title)
    let assembled = site.feed()
    #expect(lines(assembled) == lines(whole), "feed.xml")
    #expect(assembled.feedURL == whole.feedURL && assembled.title == whole.title)
  }

  /// A generated program: its partners name no PDM, so they are all in one portfolio, which has more
  /// events and status changes than a feed shows; smaller portfolios of them test the merge across
  /// partners.
  private func generated(partners: Int, cases: Int, seed: UInt64) -> Content {
    var files: [ContentFile] = []
    FixtureGenerator(partners: partners, casesPerPartner: cases, seed: seed).generate { path, text in
      files.append(ContentFile(path: path, text: text))
    }
    let loaded = ContentLoader.load(files)
    #expect(!loaded.diagnostics.hasErrors)
    return loaded.content
  }

  @Test(arguments: ["2026-11-15", "2026-12-15", "2026-03-01"])
  func theSampleSitesFeedsEqualTheFeedsMadeWhole(asOf: String) throws {
    let site = try sampleSiteContext(asOf: asOf)
    #expect(site.portfolios.count > 2)
    try expectAssembledEqualsWhole(site, portfolios: site.portfolios)
  }

  @Test(arguments: [(UInt64(3), "2026-11-15"), (7, "2026-11-15"), (11, "2026-06-20")])
  func aGeneratedProgramsFeedsEqualTheFeedsMadeWhole(seed: UInt64, asOf: String) throws {
    let site = siteContext(generated(partners: 60, cases: 8, seed: seed), asOf: asOf)
    let everyone = try #require(site.portfolios.first)
    // More than a feed's worth of case steps and of status changes: the cuts decide what is shown.
    #expect(wholeFeed(site, everyone).entries.count == feedLimit)
    let changes = site.evaluations.compactMap { site.partners[$0.slug] }
      .flatMap { site.statusChanges(in: site.history(of: $0)) }
    if asOf == "2026-11-15" { #expect(changes.count > feedLimit) }
    let groups = stride(from: 0, to: everyone.partners.count, by: 7).map { start in
      PDMPortfolio(
        name: "Group \(start)", slug: "group-\(start)",
        partners: Array(everyone.partners[start..<min(start + 7, everyone.partners.count)]))
    }
    try expectAssembledEqualsWhole(site, portfolios: [everyone] + groups)
  }

  /// The pieces are kept for the render's other feeds and for the preview server, which forgets an edited
  /// partner's.
  @Test func aPieceIsMadeOnceAndForgottenWithItsPartner() throws {
    let site = try sampleSiteContext()
    let slug = "northwind-digital"
    _ = site.partnerFeed(try #require(site.evaluationsBySlug[slug]))
    var made = 0
    let empty = PartnerFeedPiece(changes: [], events: [])
    _ = site.histories.feedPiece(of: slug) {
      made += 1
      return empty
    }
    #expect(made == 0, "the partner's feed made it")
    _ = site.histories.forgetting([slug]).feedPiece(of: slug) {
      made += 1
      return empty
    }
    #expect(made == 1)
  }
}
