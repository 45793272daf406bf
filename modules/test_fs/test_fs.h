/* The test_fs module's two filesystem types: testfs (test_fs.c) and testbfs (testbfs.c). */
#ifndef TEST_FS_H
#define TEST_FS_H

int testbfs_register(void);
void testbfs_unregister(void);

#endif
