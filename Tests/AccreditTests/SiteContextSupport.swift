import AccreditContent
import AccreditEngine
@testable import AccreditSite
import Foundation

/// The context of the page models for `content` evaluated as of `asOf` (`YYYY-MM-DD`).
func siteContext(_ content: Content, asOf: String) -> SiteContext {
  let day = Day(asOf)
  let evaluations = Evaluator(standards: content.standards).evaluate(content.partners, cases: content.cases, asOf: day)
  return SiteContext(content: content, evaluations: evaluations, asOf: day)
}

/// The sample site's context as of its date, 15 Nov 2026 (or `asOf`).
func sampleSiteContext(asOf: String = "2026-11-15") throws -> SiteContext {
  let loaded = ContentLoader.load(try ContentFolder.read(repositoryRoot.appendingPathComponent("content")).files)
  return siteContext(loaded.content, asOf: asOf)
}
