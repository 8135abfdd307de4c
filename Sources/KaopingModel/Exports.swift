@_exported import GridKit
