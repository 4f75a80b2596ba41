/// A walk-list address by campaign and id.
struct AddressKey: Hashable {
    var campaign: String
    var id: String
}

/// What the tallies need of an address.
struct AddressInfo {
    var street: String?
    var area: String?
}
