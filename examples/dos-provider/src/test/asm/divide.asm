; DIVIDE.COM: divides by zero. DOS prints "Divide overflow" and ends the program.
        org 100h
        xor cx, cx
        mov ax, 1
        div cx
        mov ax, 4C00h
        int 21h
