@_exported import KaopingWriter
@_exported import XLSXReader
