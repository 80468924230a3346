@_exported import ShipdeckModel
