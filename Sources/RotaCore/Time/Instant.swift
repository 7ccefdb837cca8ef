import Foundation

extension Date {
    /// This instant rounded to a whole millisecond, built exactly as the store reads instants
    /// back, so that an instant compared with one read from the database is never an ulp off
    /// (the system clock has sub-millisecond digits; `due <= now` must hold for a raise's own `now`).
    public var wholeMilliseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
