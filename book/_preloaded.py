"""Imported last by the server that warm kernels are forked from (book.kernels): the objects loaded so
far are set aside from garbage collection, so that a kernel's collector does not walk, and copy, the
server's libraries on every full collection."""
import gc

gc.freeze()
