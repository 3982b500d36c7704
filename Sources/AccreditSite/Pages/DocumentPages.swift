import AccreditContent
import AccreditEngine
import AccreditMarkdown

/// `faq/index.html`.
struct FAQPage: Sendable, Encodable {
  struct Entry: Sendable, Encodable {
    let anchor: String
    let question: String
    let answerHTML: String
  }

  let entries: [Entry]
}

/// `pages/<slug>/index.html`.
struct FreePage: Sendable, Encodable {
  let title: String
  let bodyHTML: String
}

/// `standards/index.html`, generated from `standards.yaml`.
struct StandardsPage: Sendable, Encodable {
  struct AccreditationRow: Sendable, Encodable {
    let name: String
    let slug: String
    let certifications: String
  }

  struct CertificationRow: Sendable, Encodable {
    let name: String
    let slug: String
    let isUniversal: Bool
  }

  let tiers: String
  let eligibleTiers: String
  let reviewMonths: String
  let interval: String
  let threshold: String
  let universal: String
  let accreditations: [AccreditationRow]
  let certifications: [CertificationRow]
  let statuses: [StatusView]
}

extension SiteContext {
  func faqPage() -> FAQPage {
    FAQPage(
      entries: content.faq.map {
        FAQPage.Entry(anchor: $0.slug, question: $0.question, answerHTML: Markdown.html(from: $0.body))
      })
  }

  func freePage(_ page: Page) -> FreePage {
    FreePage(title: page.title, bodyHTML: Markdown.html(from: page.body))
  }

  func standardsPage() -> StandardsPage {
    let standards = content.standards
    let months = standards.tierReviewMonths.sorted().filter { (1...12).contains($0) }.map { Day.monthNames[$0 - 1] }
    let universal = standards.universalCertifications.map(standards.certificationName)
    return StandardsPage(
      tiers: standards.tiers.map(\.capitalized).joined(separator: " → "),
      eligibleTiers: standards.eligibleTiers.map(\.capitalized).joined(separator: ", "),
      reviewMonths: months.joined(separator: " and "),
      interval: plural(standards.evaluationIntervalMonths, "month"),
      threshold: "more than \(plural(standards.marksReviewThreshold, "mark"))",
      universal: universal.isEmpty ? "None" : universal.joined(separator: ", "),
      accreditations: standards.accreditations.map { type in
        let required = standards.requiredCertifications(for: type.slug).map(standards.certificationName)
        return StandardsPage.AccreditationRow(
          name: type.name, slug: type.slug, certifications: required.joined(separator: ", "))
      },
      certifications: standards.certifications.map {
        StandardsPage.CertificationRow(
          name: $0.name, slug: $0.slug, isUniversal: standards.universalCertifications.contains($0.slug))
      },
      statuses: AccreditationStatus.allCases.map(StatusView.init))
  }
}
