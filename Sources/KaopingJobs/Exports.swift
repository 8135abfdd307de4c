@_exported import KaopingWriter
@_exported import KaopingRegister
@_exported import XLSXReader
